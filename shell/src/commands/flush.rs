//! `flush`: take and show every message in the shell's mailbox.

use serde_json::json;

use super::mailbox::decoder;
use super::{Args, Help, Reply};
use crate::format;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "flush",
    usage: "flush [--decode=TYPE]",
    summary: "take and show every message in the shell's mailbox (link and monitor notices too)",
    examples: &["flush"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let decode = decoder(&mut args)?;
    args.finish()?;
    let mut lines = Vec::new();
    while let Some(m) = sh.me.try_receive(None) {
        let line = match &m {
            grain::message::Message::LinkDied { pid, .. } => {
                format!("{}: {}", format::message(&m, None), sh.why(*pid))
            }
            grain::message::Message::ProcessDied { pid, reason: None } => {
                format!("down: {pid}: {}", sh.why(*pid))
            }
            _ => format::message(&m, decode.as_deref()),
        };
        lines.push(line);
    }
    let text = if lines.is_empty() {
        "the mailbox is empty".to_owned()
    } else {
        lines.join("\n")
    };
    Ok(Reply::with_json(text, json!(lines)))
}
