//! `upgrade <pid> [--to=NAME@N] [--timeout=5s] [--restart]`: move a process onto new code.

use std::time::Duration;

use grain::Pid;
use serde_json::json;

use super::args::{amount, word};
use super::resolve::{pid, pid_value};
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "upgrade",
    usage: "upgrade <pid> [--to=NAME@N] [--timeout=5s] [--restart]",
    summary: "move a process onto new code in place, keeping its pid, mailbox, links, monitors, names and limits (--restart: its supervisor restarts it on the new code)",
    examples: &[
        "load examples/wat/tally_v1.wat as tally",
        "t = spawn tally.serve()",
        "load examples/wat/tally_v2.wat as tally",
        "upgrade t --timeout=2s",
    ],
};

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    let to = args.flag_value("to");
    let to_span = to.map(|a| a.span.clone());
    let to = to
        .map(|a| word(a, "a module version, e.g. tally@2"))
        .transpose()?;
    let timeout = args
        .flag_value("timeout")
        .map(|a| {
            let ms = |t: &str| grain::quantity::parse_duration(t).map(|d| d.as_millis() as u64);
            amount(a, ms, "a time, e.g. 5s")
        })
        .transpose()?
        .map_or(Duration::from_secs(5), Duration::from_millis);
    let restart = args.flag("restart");
    args.finish()?;
    let at = |message: String| ShellError::at(arg.span.clone(), message);
    let process = sh
        .rt
        .process(target)
        .ok_or_else(|| at(format!("no process {target}")))?;
    let from = process
        .module()
        .ok_or_else(|| at(format!("{target} is a host process: it runs no wasm code")))?;
    if restart {
        if let Some(span) = to_span {
            let message = "--restart restarts on the current version; load the one you want";
            return Err(ShellError::at(span, message));
        }
        return restart_by_supervisor(sh, target, &from.label())
            .await
            .map_err(at);
    }
    let module = match &to {
        Some(spec) => sh.module(spec).ok_or_else(|| {
            let span = to_span.clone().unwrap_or(arg.span.clone());
            ShellError::at(span, super::resolve::no_module(sh, spec))
        })?,
        None => sh
            .module(from.name())
            .ok_or_else(|| at(format!("no module `{}` is loaded", from.name())))?,
    };
    if module.id() == from.id() {
        let hint = if to.is_some() {
            ""
        } else {
            ", the current version: load a new one first"
        };
        return Err(at(format!("{target} already runs {}{hint}", from.label())));
    }
    let done = sh
        .rt
        .upgrade(target, &module, timeout)
        .await
        .map_err(|e| at(e.to_string()))?;
    let text = format!(
        "upgraded {target}: {} -> {} in {} (state {} bytes)",
        done.from,
        done.to,
        grain::quantity::micros(done.took.as_micros() as u64),
        done.state_bytes
    );
    let json = json!({"pid": target.id(), "from": done.from, "to": done.to,
        "micros": done.took.as_micros() as u64, "state_bytes": done.state_bytes});
    Ok(Reply::with_json(text, json))
}

/// `--restart`: the process's supervisor restarts it, on the current version.
async fn restart_by_supervisor(sh: &Shell, target: Pid, from: &str) -> Result<Reply, String> {
    let found = sh.rt.supervisors().into_iter().find_map(|sup| {
        let child = sup
            .info()
            .children
            .into_iter()
            .find(|c| c.pid == Some(target))?;
        Some((sup, child.id))
    });
    let Some((sup, child)) = found else {
        return Err(format!(
            "{target} has no supervisor to restart it: kill it and spawn it again on the new code"
        ));
    };
    let new = sup.restart_child(&child).await.map_err(|e| e.to_string())?;
    let code = sh.rt.process(new).map(|p| p.code()).unwrap_or_default();
    let json = json!({"pid": target.id(), "from": from, "to": code, "new_pid": new.id(),
        "supervisor": sup.pid().id(), "child": child});
    let mut reply = Reply::value(pid_value(new), json);
    reply.text = format!(
        "restarted {target} ({from}) as {new} ({code}) by its supervisor {}",
        sup.pid()
    );
    Ok(reply)
}
