//! `observe`: the live observer (coming with `grain observe`).

use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "observe",
    usage: "observe",
    summary: "open the live observer on this runtime (not available yet: use ps, tree and info)",
    examples: &[],
};

pub fn run(_: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    let span = args.name_span();
    args.finish()?;
    Err(ShellError::at(
        span,
        "the observer is not available yet; ps, tree and info show the same data",
    ))
}
