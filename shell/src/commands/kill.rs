//! `kill <pid|list> [reason] [--force]`: end a process (or each of a list); links fail.

use grain::Pid;
use grain_grammar::{Arg, Spanned, Value};
use serde_json::json;

use super::args::word;
use super::resolve::{pid, resolve};
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "kill",
    usage: "kill <pid|list> [REASON] [--force]",
    summary: "kill a process or a list (links fail, monitors hear); REASON: the exit reason; --force: it ends the node",
    examples: &["kill #counter \"maintenance\""],
};

/// The pids an argument names: one, or every pid of a list binding (`crowd`).
fn targets(sh: &Shell, arg: &Spanned<Arg>) -> Result<Vec<Pid>, ShellError> {
    let value = match &arg.node {
        Arg::Word(w) => sh.binding(w),
        Arg::Value(v @ (Value::List(_) | Value::Var(_) | Value::Result(_))) => Some(resolve(
            sh,
            &Spanned {
                node: v.clone(),
                span: arg.span.clone(),
            },
        )?),
        _ => None,
    };
    match value {
        Some(Value::List(items)) => items
            .iter()
            .map(|item| {
                pid(
                    sh,
                    &Spanned {
                        node: Arg::Value(item.node.clone()),
                        span: arg.span.clone(),
                    },
                )
            })
            .collect(),
        _ => pid(sh, arg).map(|p| vec![p]),
    }
}

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let targets = targets(sh, arg)?;
    let force = args.flag("force");
    let reason = args
        .positional()
        .map(|a| word(a, "a reason (a word or a string)"))
        .transpose()?;
    args.finish()?;
    if let Some(root) = targets
        .iter()
        .find(|p| sh.rt.is_essential(**p))
        .filter(|_| !force)
    {
        return Err(ShellError::at(
            arg.span.clone(),
            format!(
                "killing {root} ends the node (it is the program's root); `kill {root} --force` does it"
            ),
        ));
    }
    let mut killed = Vec::new();
    for target in &targets {
        if kill_one(sh, *target, reason.as_deref())
            .map_err(|e| ShellError::at(arg.span.clone(), e))?
        {
            killed.push(*target);
        }
    }
    let text = match (targets.as_slice(), &reason) {
        ([one], _) if one.node() != sh.rt.node_id() => {
            format!("killed {one} (on node {})", one.node())
        }
        ([one], Some(reason)) => format!("killed {one} ({reason})"),
        ([one], None) => format!("killed {one}"),
        (all, _) => format!("killed {} of {} processes", killed.len(), all.len()),
    };
    let ids: Vec<u64> = killed.iter().map(|p| p.id()).collect();
    Ok(Reply::with_json(
        text,
        json!({ "killed": ids, "reason": reason }),
    ))
}

/// Kills one process; false for one of a list that had already ended.
fn kill_one(sh: &Shell, target: Pid, reason: Option<&str>) -> Result<bool, String> {
    if super::remote::is_remote(sh, target) {
        if reason.is_some() {
            return Err("a process of another node can only be killed, without a reason".into());
        }
        if !sh.rt.kill(target) {
            return Err(format!("the node of {target} is not up"));
        }
        return Ok(true);
    }
    let Some(process) = sh.rt.process(target) else {
        return Err(format!("{target} is not alive"));
    };
    match reason {
        Some(reason) => process.exit_with(grain::ExitReason::Shutdown {
            reason: reason.to_owned(),
        }),
        None => process.kill(),
    }
    Ok(true)
}
