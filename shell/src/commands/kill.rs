//! `kill <pid>`: end a process; its links fail.

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "kill",
    usage: "kill <pid>",
    summary: "kill a process (its links fail; monitors are told)",
    examples: &["kill #counter"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    args.finish()?;
    if !sh.rt.kill(target) {
        return Err(ShellError::at(
            arg.span.clone(),
            format!("{target} is not alive"),
        ));
    }
    Ok(Reply::with_json(
        format!("killed {target}"),
        json!({ "killed": target.id() }),
    ))
}
