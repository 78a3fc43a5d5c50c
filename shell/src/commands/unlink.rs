//! `unlink <pid>`: remove the shell's link to a process.

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "unlink",
    usage: "unlink <pid>",
    summary: "remove the shell's link to a process",
    examples: &["unlink c"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let target = pid(sh, args.required("a pid")?)?;
    args.finish()?;
    sh.me.unlink(target);
    Ok(Reply::with_json(
        format!("unlinked from {target}"),
        json!({ "unlink": target.id() }),
    ))
}
