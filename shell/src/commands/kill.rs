//! `kill <pid> [reason]`: end a process; its links fail.

use serde_json::json;

use super::args::word;
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "kill",
    usage: "kill <pid> [REASON]",
    summary: "kill a process (its links fail; monitors are told); a REASON becomes its exit reason",
    examples: &["kill #counter \"maintenance\""],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    let reason = args
        .positional()
        .map(|a| word(a, "a reason (a word or a string)"))
        .transpose()?;
    args.finish()?;
    if super::remote::is_remote(sh, target) {
        if reason.is_some() {
            return Err(ShellError::at(
                arg.span.clone(),
                "a process of another node can only be killed, without a reason",
            ));
        }
        if !sh.rt.kill(target) {
            return Err(ShellError::at(
                arg.span.clone(),
                format!("the node of {target} is not up"),
            ));
        }
        return Ok(Reply::with_json(
            format!("killed {target} (on node {})", target.node()),
            json!({ "killed": target.id(), "reason": reason }),
        ));
    }
    let process = sh
        .rt
        .process(target)
        .ok_or_else(|| ShellError::at(arg.span.clone(), format!("{target} is not alive")))?;
    let text = match &reason {
        Some(reason) => {
            process.exit_with(grain::ExitReason::Shutdown {
                reason: reason.clone(),
            });
            format!("killed {target} ({reason})")
        }
        None => {
            process.kill();
            format!("killed {target}")
        }
    };
    Ok(Reply::with_json(
        text,
        json!({ "killed": target.id(), "reason": reason }),
    ))
}
