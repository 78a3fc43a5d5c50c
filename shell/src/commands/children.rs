//! `children <sup> [ID]`: a supervisor's children, or one of them. The result is their pids
//! (the one child's pid with an id), so a session can name a child without its pid.

use serde_json::json;

use grain_grammar::{Spanned, Value};

use super::args::word;
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "children",
    usage: "children <supervisor> [ID]",
    summary: "a supervisor's children: ids, pids, restart types, restarts; the result: their pids (with ID: that one's)",
    examples: &[
        "s = supervise one_for_one counter.counter()",
        "children s",
        "w = children s counter",
    ],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a supervisor")?;
    let target = pid(sh, arg)?;
    let id = args
        .positional()
        .map(|a| Ok::<_, ShellError>((word(a, "a child id")?, a.span.clone())))
        .transpose()?;
    args.finish()?;
    let sup = sh.rt.supervisor(target).ok_or_else(|| {
        ShellError::at(
            arg.span.clone(),
            format!("{target} is not a live supervisor"),
        )
    })?;
    let mut info = sup.info();
    let single = id.is_some();
    if let Some((id, span)) = id {
        let ids: Vec<&str> = info.children.iter().map(|c| c.id.as_str()).collect();
        if !ids.contains(&id.as_str()) {
            let close = super::suggest::nearest(&id, ids.iter().copied())
                .map_or_else(String::new, |c| format!("; did you mean {c}?"));
            return Err(ShellError::at(
                span,
                format!(
                    "{target} has no child `{id}` (it has {}){close}",
                    ids.join(", ")
                ),
            ));
        }
        info.children.retain(|c| c.id == id);
    }
    let pids: Vec<_> = info
        .children
        .iter()
        .map(|c| c.pid.map_or(Value::Unit, super::pid_value))
        .collect();
    let value = match (single, pids.as_slice()) {
        (true, [one]) => one.clone(),
        _ => Value::List(
            pids.into_iter()
                .map(|node| Spanned { node, span: 0..0 })
                .collect(),
        ),
    };
    let rows: Vec<Vec<String>> = info
        .children
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.pid.map_or_else(|| "down".to_owned(), |p| p.to_string()),
                c.runs.clone(),
                c.restart.to_string(),
                c.restarts.to_string(),
            ]
        })
        .collect();
    let mut reply = Reply::with_json(
        table(&["ID", "PID", "RUNS", "RESTART", "RESTARTS"], &rows),
        json!(info),
    );
    reply.value = Some(value);
    Ok(reply)
}
