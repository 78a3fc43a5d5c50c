//! `link <pid>`: link the shell to a process: its failure leaves a notice in the shell's mailbox.

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "link",
    usage: "link <pid>",
    summary: "link the shell to a process: its failure leaves a notice in the shell's mailbox",
    examples: &["link c"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let target = pid(sh, args.required("a pid")?)?;
    args.finish()?;
    if !super::remote::is_remote(sh, target) && sh.rt.process(target).is_none() {
        // Erlang's noproc: it fires at once, and every notice of it says why.
        sh.noproc.insert(target);
        sh.me.link(target, 0);
        return Ok(Reply::with_json(
            format!("{target} is not alive: the link fired at once (noproc)"),
            json!({ "link": target.id(), "noproc": true }),
        ));
    }
    sh.me.link(target, 0);
    Ok(Reply::with_json(
        format!("linked to {target}"),
        json!({ "link": target.id() }),
    ))
}
