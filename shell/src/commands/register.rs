//! `register <pid> <name>`: give a process a name.

use serde_json::json;

use super::args::word;
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "register",
    usage: "register <pid> <NAME>",
    summary: "register a process under a name (#NAME); the name goes when the process ends",
    examples: &["register c tally"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let target_arg = args.required("a pid")?;
    let target = pid(sh, target_arg)?;
    let name = word(args.required("a name")?, "a name")?;
    args.finish()?;
    sh.rt
        .register(&name, target)
        .map_err(|e| ShellError::at(target_arg.span.clone(), e.to_string()))?;
    Ok(Reply::with_json(
        format!("registered {target} as #{name}"),
        json!({ "pid": target.id(), "name": name }),
    ))
}
