//! The tree view's order: the spawn trees depth first, with each process's links to
//! processes of other nodes drawn under it.

use std::collections::{BTreeMap, HashMap, HashSet};

use grain::Pid;
use grain::observe::ProcessRow;

/// Depth-first order of the spawn trees (a supervisor's children are the processes it
/// spawned; a process spawned by another node's process is under it when both are shown),
/// skipping the subtrees of folded nodes. Under each process come its links to processes
/// of other nodes; their indexes go into `link_rows`. Each row's branch lines, as the
/// shell's `tree` draws them (`├─ `, `└─ `, `│  `), go into `branches`.
pub(crate) fn order(
    rows: &[&ProcessRow],
    folded: &HashSet<Pid>,
    link_rows: &mut HashSet<usize>,
    branches: &mut Vec<String>,
) -> Vec<(Pid, usize)> {
    let by_pid: HashMap<Pid, &ProcessRow> = rows.iter().map(|r| (r.pid, *r)).collect();
    let mut children: BTreeMap<Option<Pid>, Vec<Pid>> = BTreeMap::new();
    for r in rows {
        let parent = r.parent.filter(|p| by_pid.contains_key(p));
        children.entry(parent).or_default().push(r.pid);
    }
    let mut out = Vec::with_capacity(rows.len());
    // (pid, depth, its branch, what its children's branches start with)
    let mut stack: Vec<(Pid, usize, String, String)> = children
        .get(&None)
        .map(|v| {
            v.iter()
                .rev()
                .map(|p| (*p, 0, String::new(), String::new()))
                .collect()
        })
        .unwrap_or_default();
    while let Some((pid, depth, branch, rest)) = stack.pop() {
        out.push((pid, depth));
        branches.push(branch);
        if folded.contains(&pid) {
            continue;
        }
        let kids = children.get(&Some(pid)).map_or(&[][..], Vec::as_slice);
        if let Some(row) = by_pid.get(&pid) {
            let links: Vec<&Pid> = row
                .links
                .iter()
                .filter(|l| l.node() != pid.node())
                .collect();
            for (i, link) in links.iter().enumerate() {
                let last = i + 1 == links.len() && kids.is_empty();
                link_rows.insert(out.len());
                out.push((**link, depth + 1));
                branches.push(format!("{rest}{}", if last { "└─ " } else { "├─ " }));
            }
        }
        for (i, kid) in kids.iter().enumerate().rev() {
            let (b, r) = if i + 1 == kids.len() {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            stack.push((*kid, depth + 1, format!("{rest}{b}"), format!("{rest}{r}")));
        }
    }
    out
}
