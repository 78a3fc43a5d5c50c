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
    if super::remote::is_remote(sh, target) {
        return remote(sh, target, ms, &arg.span).await;
    }
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

/// Waits for a process of another node: its node tells the shell how it ended (the shell
/// monitors it, if it did not already link to or monitor it).
async fn remote(
    sh: &mut Shell,
    target: grain::Pid,
    ms: u64,
    span: &grain_grammar::Span,
) -> Result<Reply, ShellError> {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
    if sh.rt.exited(target).is_none() && !sh.me.process().monitoring().contains(&target) {
        sh.me.monitor(target);
    }
    loop {
        if let Some(record) = sh.rt.exited(target) {
            let reason = record.reason;
            return Ok(Reply::with_json(
                format!("{target} ended: {reason}"),
                json!({ "pid": target.id(), "reason": reason }),
            ));
        }
        let unknown = sh.me.process().peek_mailbox(|q| {
            q.iter().any(|m| {
                matches!(m, grain::message::Message::ProcessDied { pid, reason: None } if *pid == target)
            })
        });
        if unknown {
            return Err(ShellError::at(span.clone(), format!("no process {target}")));
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ShellError::at(
                span.clone(),
                format!("{target} is still running after {ms} ms"),
            ));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
