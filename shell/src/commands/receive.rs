//! `receive [timeout_ms] [--tag=N] [--decode=TYPE]`: take the next message (with that tag:
//! a selective receive) from the shell's mailbox.

use std::time::Duration;

use serde_json::json;

use super::args::int;
use super::mailbox::decoder;
use super::{Args, Help, Reply};
use crate::format;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "receive",
    usage: "receive [TIMEOUT_MS] [--tag=N] [--decode=TYPE]",
    summary: "take the next message sent to the shell (--tag: the next so tagged), waiting up to 5 s or TIMEOUT_MS",
    examples: &[
        "receive 10",
        "receive 10 --decode=u32",
        "receive 10 --tag=3",
    ],
};

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let ms = args
        .positional()
        .map(|a| int(a, "a timeout in milliseconds"))
        .transpose()?
        .unwrap_or(5000);
    let decode = decoder(&mut args)?;
    let tag = args
        .flag_value("tag")
        .map(|a| match &a.node {
            grain_grammar::Arg::Value(grain_grammar::Value::Int { value, .. }) => {
                i64::try_from(*value)
                    .map_err(|_| ShellError::at(a.span.clone(), "the tag is out of range"))
            }
            _ => Err(ShellError::at(
                a.span.clone(),
                "expected a tag (an integer)",
            )),
        })
        .transpose()?;
    args.finish()?;
    let tags = tag.map(|t| [t]);
    let wait = Some(Duration::from_millis(ms));
    match sh.me.receive(tags.as_ref().map(|t| &t[..]), wait).await {
        Some(m) => {
            let text = format::message(&m, decode.as_deref());
            Ok(Reply::with_json(text.clone(), json!({ "message": text })))
        }
        None => Ok(Reply::with_json(
            match tag {
                Some(t) => format!("nothing tagged {t} within {ms} ms"),
                None => format!("nothing within {ms} ms"),
            },
            json!({ "message": null }),
        )),
    }
}
