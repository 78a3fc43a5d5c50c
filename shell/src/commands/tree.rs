//! `tree`: supervision trees (with restart counts) and the spawn tree of everything else.

use std::collections::{BTreeMap, BTreeSet};

use grain::{Pid, Process, Runtime};
use serde_json::json;

use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "tree",
    usage: "tree",
    summary: "supervision trees with restart counts, then who spawned whom",
    examples: &["tree"],
};

pub fn run(sh: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    args.finish()?;
    let lines = lines(&sh.rt);
    Ok(Reply::with_json(lines.join("\n"), json!(lines)))
}

/// The node's trees, one line each: supervision trees first, then who spawned whom.
pub fn lines(rt: &Runtime) -> Vec<String> {
    let procs: BTreeMap<Pid, Process> = rt.processes().into_iter().map(|p| (p.pid(), p)).collect();
    let mut shown = BTreeSet::new();
    let mut lines = Vec::new();
    let sups = rt.supervisors();
    let nested: BTreeSet<Pid> = sups
        .iter()
        .flat_map(|s| s.info().children.into_iter().filter_map(|c| c.pid))
        .collect();
    for sup in sups.iter().filter(|s| !nested.contains(&s.pid())) {
        supervision(rt, sup.pid(), "", "", None, &mut lines, &mut shown);
    }
    let mut children: BTreeMap<Option<Pid>, Vec<Pid>> = BTreeMap::new();
    for p in procs.values().filter(|p| !shown.contains(&p.pid())) {
        let parent = p
            .parent()
            .filter(|pp| procs.contains_key(pp) && !shown.contains(pp));
        children.entry(parent).or_default().push(p.pid());
    }
    for root in children.get(&None).cloned().unwrap_or_default() {
        spawned(rt, &procs, &children, root, "", "", &mut lines);
    }
    lines
}

fn label(rt: &Runtime, p: &Process) -> String {
    let names: Vec<String> = rt
        .registry()
        .names_of(p.pid())
        .iter()
        .map(|n| format!(" #{}", grain::registry::display_name(n)))
        .collect();
    format!(
        "{} {}.{}{}",
        p.pid(),
        p.code(),
        p.function(),
        names.concat()
    )
}

fn supervision(
    rt: &Runtime,
    pid: Pid,
    first: &str,
    rest: &str,
    child: Option<(&str, &str, u32)>,
    lines: &mut Vec<String>,
    shown: &mut BTreeSet<Pid>,
) {
    let Some(sup) = rt.supervisor(pid) else {
        return;
    };
    shown.insert(pid);
    let info = sup.info();
    let names: Vec<String> = rt
        .registry()
        .names_of(pid)
        .iter()
        .map(|n| format!(" #{n}"))
        .collect();
    let head = match child {
        Some((id, restart, restarts)) => {
            format!("{id} {pid} supervisor ({restart}, restarts: {restarts})")
        }
        None => format!("{pid} supervisor"),
    };
    lines.push(format!("{first}{head} {}{}", info.strategy, names.concat()));
    let n = info.children.len();
    for (i, c) in info.children.iter().enumerate() {
        let (branch, cont) = if i + 1 == n {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        let restart = c.restart.to_string();
        let (first, rest) = (format!("{rest}{branch}"), format!("{rest}{cont}"));
        match c.pid {
            Some(p) if c.supervisor => supervision(
                rt,
                p,
                &first,
                &rest,
                Some((&c.id, &restart, c.restarts)),
                lines,
                shown,
            ),
            Some(p) => {
                shown.insert(p);
                lines.push(format!(
                    "{first}{} {p} {} ({restart}, restarts: {})",
                    c.id, c.runs, c.restarts
                ));
            }
            None => lines.push(format!(
                "{first}{} down ({restart}, restarts: {})",
                c.id, c.restarts
            )),
        }
    }
}

fn spawned(
    rt: &Runtime,
    procs: &BTreeMap<Pid, Process>,
    children: &BTreeMap<Option<Pid>, Vec<Pid>>,
    pid: Pid,
    first: &str,
    rest: &str,
    lines: &mut Vec<String>,
) {
    lines.push(format!("{first}{}", label(rt, &procs[&pid])));
    let kids = children.get(&Some(pid)).cloned().unwrap_or_default();
    let n = kids.len();
    for (i, kid) in kids.into_iter().enumerate() {
        let (branch, cont) = if i + 1 == n {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        spawned(
            rt,
            procs,
            children,
            kid,
            &format!("{rest}{branch}"),
            &format!("{rest}{cont}"),
            lines,
        );
    }
}
