//! `fuel <pid>`: the compute a process has used, and its limit.

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "fuel",
    usage: "fuel <pid>",
    summary: "fuel used (wasm instructions) and the process's limit",
    examples: &["fuel c"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    args.finish()?;
    let p = sh
        .rt
        .process(target)
        .ok_or_else(|| ShellError::at(arg.span.clone(), format!("{target} is not alive")))?;
    let used = p.stats().fuel_used();
    let limit = p.config().fuel_limit();
    let text = match limit {
        Some(l) => format!(
            "{target}: {used} of {l} fuel used ({:.1}%)",
            used as f64 * 100.0 / l.max(1) as f64
        ),
        None => format!("{target}: {used} fuel used (no limit)"),
    };
    Ok(Reply::with_json(
        text,
        json!({ "pid": target.id(), "used": used, "limit": limit }),
    ))
}
