//! `receive [timeout_ms] [--decode=TYPE]`: take the next message from the shell's mailbox.

use std::time::Duration;

use serde_json::json;

use super::args::int;
use super::mailbox::decoder;
use super::{Args, Help, Reply};
use crate::format;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "receive",
    usage: "receive [TIMEOUT_MS] [--decode=TYPE]",
    summary: "take the next message sent to the shell, waiting up to the timeout (5 s by default)",
    examples: &["receive 10", "receive 10 --decode=u32"],
};

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let ms = args
        .positional()
        .map(|a| int(a, "a timeout in milliseconds"))
        .transpose()?
        .unwrap_or(5000);
    let decode = decoder(&mut args)?;
    args.finish()?;
    match sh.me.receive(None, Some(Duration::from_millis(ms))).await {
        Some(m) => {
            let text = format::message(&m, decode.as_deref());
            Ok(Reply::with_json(text.clone(), json!({ "message": text })))
        }
        None => Ok(Reply::with_json(
            format!("nothing within {ms} ms"),
            json!({ "message": null }),
        )),
    }
}
