//! `observe`: the live observer on this runtime, in this terminal.

use std::io::IsTerminal;

use super::{Args, Help, Reply};
use crate::observer::{LocalNode, watch};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "observe",
    usage: "observe",
    summary: "open the live observer (processes, trees, events) on this runtime; q comes back",
    examples: &[],
};

pub fn run(sh: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    let span = args.name_span();
    args.finish()?;
    if !std::io::stdout().is_terminal() {
        return Err(ShellError::at(
            span,
            "the observer needs a terminal (ps, tree and info show the same data)",
        ));
    }
    let result = tokio::task::block_in_place(|| {
        let mut node = LocalNode::new(sh);
        watch(&mut node, "this shell's runtime", None)
    });
    result.map_err(|e| ShellError::at(span, format!("the observer failed: {e}")))?;
    Ok(Reply::text(""))
}
