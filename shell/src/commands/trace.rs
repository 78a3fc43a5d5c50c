//! `trace TARGET [kinds] [--limit N] [--rate N/s]`, `trace off [TARGET]`, `trace`: follow
//! what a process (or every process of a module) does, event by event, with rails.

use grain::trace::{TraceKinds, TraceSpec, TraceTarget};
use grain_grammar::{Arg, Spanned};
use serde_json::json;

use super::args::int;
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "trace",
    usage: "trace [off] [<pid>|<module>] [--send] [--receive] [--calls] [--spawn] [--exits] [--limit N] [--rate N/s]",
    summary: "follow a process (or a module's) event by event; it stops after --limit (100) or above --rate (1000/s)",
    examples: &[
        "trace c --receive --send --limit 10",
        "trace",
        "trace off c",
    ],
};

const KINDS: [(&str, TraceKinds); 5] = [
    ("send", TraceKinds::SEND),
    ("receive", TraceKinds::RECEIVE),
    ("calls", TraceKinds::CALLS),
    ("spawn", TraceKinds::SPAWN),
    ("exits", TraceKinds::EXITS),
];

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    if args.keyword("off") {
        let target = args.positional();
        args.finish()?;
        return off(sh, target);
    }
    let Some(arg) = args.positional() else {
        args.finish()?;
        return Ok(list(sh));
    };
    let target = target(sh, arg)?;
    let mut kinds = TraceKinds(0);
    for (name, kind) in KINDS {
        if args.flag(name) {
            kinds = kinds | kind;
        }
    }
    let mut spec = TraceSpec::new(target);
    if kinds.0 != 0 {
        spec.kinds = kinds;
    }
    if let Some(a) = args.flag_value("limit") {
        spec.limit = int(a, "a number of events")?;
        if spec.limit == 0 {
            return Err(ShellError::at(
                a.span.clone(),
                "a trace needs a limit of at least 1",
            ));
        }
    }
    if let Some(a) = args.flag_value("rate") {
        spec.rate = Some(rate(a)?);
    }
    args.finish()?;
    let trace = sh
        .rt
        .trace(spec.clone())
        .map_err(|e| ShellError::at(arg.span.clone(), e.to_string()))?;
    let id = trace.id();
    sh.tracer.add(trace);
    let wants: Vec<&str> = KINDS
        .iter()
        .filter(|(_, k)| spec.kinds.contains(*k))
        .map(|(n, _)| *n)
        .collect();
    let rate = spec
        .rate
        .map_or_else(String::new, |r| format!(", at most {r}/s"));
    Ok(Reply::with_json(
        format!(
            "tracing {} ({}): at most {} events{rate}",
            spec.target,
            wants.join(", "),
            spec.limit
        ),
        json!({ "trace": id, "target": spec.target.to_string(), "kinds": wants,
                "limit": spec.limit, "rate": spec.rate }),
    ))
}

/// A pid (a literal, `#name`, `$N` or a binding), else a module's name.
fn target(sh: &Shell, arg: &Spanned<Arg>) -> Result<TraceTarget, ShellError> {
    if let Arg::Word(w) = &arg.node
        && sh.binding(w).is_none()
    {
        return Ok(TraceTarget::Module(w.clone()));
    }
    let p = pid(sh, arg)?;
    if super::remote::is_remote(sh, p) {
        return Err(ShellError::at(
            arg.span.clone(),
            format!(
                "{p} lives on node {}: attach to that node to trace it",
                p.node()
            ),
        ));
    }
    Ok(TraceTarget::Pid(p))
}

/// `N`, `N/s`.
fn rate(arg: &Spanned<Arg>) -> Result<u64, ShellError> {
    let bad = || ShellError::at(arg.span.clone(), "expected a rate, like 100/s");
    match &arg.node {
        Arg::Word(w) => w
            .strip_suffix("/s")
            .unwrap_or(w)
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(bad),
        _ => int(arg, "a rate, like 100/s").and_then(|n| if n > 0 { Ok(n) } else { Err(bad()) }),
    }
}

fn off(sh: &mut Shell, which: Option<&Spanned<Arg>>) -> Result<Reply, ShellError> {
    let wanted = which.map(|a| target(sh, a)).transpose()?;
    let (n, lines) = sh
        .tracer
        .stop(|t| wanted.as_ref().is_none_or(|w| &t.spec().target == w));
    sh.trace_lines.extend(lines);
    if n == 0 {
        let what = wanted.map_or_else(|| "nothing".to_owned(), |w| w.to_string());
        let at = which.map_or_else(|| 0..0, |a| a.span.clone());
        return Err(ShellError::at(at, format!("no trace of {what} is running")));
    }
    let what = wanted.map_or_else(|| format!("{n} trace(s)"), |w| format!("the trace of {w}"));
    Ok(Reply::with_json(
        format!("stopped {what}"),
        json!({ "stopped": n }),
    ))
}

fn list(sh: &Shell) -> Reply {
    let traces = sh.tracer.list();
    if traces.is_empty() {
        return Reply::with_json("no traces", json!([]));
    }
    let rows: Vec<Vec<String>> = traces
        .iter()
        .map(|(id, target, limit, rate, dropped)| {
            vec![
                id.to_string(),
                target.clone(),
                limit.to_string(),
                rate.map_or_else(|| "-".into(), |r| format!("{r}/s")),
                dropped.to_string(),
            ]
        })
        .collect();
    let json = traces
        .iter()
        .map(|(id, target, limit, rate, dropped)| {
            json!({ "trace": id, "target": target, "limit": limit, "rate": rate, "dropped": dropped })
        })
        .collect();
    Reply::with_json(
        crate::format::table(&["TRACE", "TARGET", "LIMIT", "RATE", "DROPPED"], &rows)
            .trim_end()
            .to_owned(),
        serde_json::Value::Array(json),
    )
}
