//! `quit`: leave the shell.

use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "quit",
    usage: "quit",
    summary: "leave the shell (also `exit`, or Ctrl-D)",
    examples: &[],
};

pub fn run(_: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    args.finish()?;
    Ok(Reply {
        quit: true,
        ..Reply::default()
    })
}
