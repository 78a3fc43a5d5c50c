//! `wait <pid> [timeout_ms]`: wait for a process to end and say how it ended.

use std::time::Duration;

use serde_json::json;

use super::args::int;
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "wait",
    usage: "wait <pid> [TIMEOUT_MS]",
    summary: "wait (5 s by default) for a process to end, and show why it ended",
    examples: &["h = run examples/wat/hello.wat", "wait h 1000"],
};

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    let ms = args
        .positional()
        .map(|a| int(a, "a timeout in milliseconds"))
        .transpose()?
        .unwrap_or(5000);
    args.finish()?;
    let reason = match sh.rt.process(target) {
        Some(p) => tokio::time::timeout(Duration::from_millis(ms), p.wait())
            .await
            .map_err(|_| {
                ShellError::at(
                    arg.span.clone(),
                    format!("{target} is still running after {ms} ms"),
                )
            })?,
        None => sh
            .rt
            .exited(target)
            .map(|r| r.reason)
            .ok_or_else(|| ShellError::at(arg.span.clone(), format!("no process {target}")))?,
    };
    Ok(Reply::with_json(
        format!("{target} ended: {reason}"),
        json!({ "pid": target.id(), "reason": reason }),
    ))
}
