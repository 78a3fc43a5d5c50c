//! `exports <module>`: list a module's exports with their types.

use super::resolve::module;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "exports",
    usage: "exports <module>",
    summary: "list a module's exports with their types",
    examples: &["exports counter"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let m = module(sh, args.required("a module name")?)?;
    args.finish()?;
    Ok(super::resolve::items(m.exports()))
}
