//! `imports <module>`: list a module's imports (the host functions it uses).

use super::resolve::module;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "imports",
    usage: "imports <module>",
    summary: "list a module's imports (the host functions it uses)",
    examples: &["imports counter"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let m = module(sh, args.required("a module name")?)?;
    args.finish()?;
    Ok(super::resolve::items(m.imports()))
}
