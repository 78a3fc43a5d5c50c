//! `demonitor <pid>`: stop monitoring a process.

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "demonitor",
    usage: "demonitor <pid>",
    summary: "stop monitoring a process",
    examples: &["demonitor c"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let target = pid(sh, args.required("a pid")?)?;
    args.finish()?;
    sh.me.demonitor(target);
    Ok(Reply::with_json(
        format!("stopped monitoring {target}"),
        json!({ "demonitor": target.id() }),
    ))
}
