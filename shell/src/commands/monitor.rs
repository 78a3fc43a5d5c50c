//! `monitor <pid>`: monitor a process: its end, for any reason, leaves a notice.

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "monitor",
    usage: "monitor <pid>",
    summary: "monitor a process: its end, for any reason, leaves a notice",
    examples: &["monitor c"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let target = pid(sh, args.required("a pid")?)?;
    args.finish()?;
    if !super::remote::is_remote(sh, target) && sh.rt.process(target).is_none() {
        // Erlang's noproc: it fires at once, and every notice of it says why.
        sh.noproc.insert(target);
        sh.me.monitor(target);
        return Ok(Reply::with_json(
            format!("{target} is not alive: the monitor fired at once (noproc)"),
            json!({ "monitor": target.id(), "noproc": true }),
        ));
    }
    sh.me.monitor(target);
    Ok(Reply::with_json(
        format!("monitoring {target}"),
        json!({ "monitor": target.id() }),
    ))
}
