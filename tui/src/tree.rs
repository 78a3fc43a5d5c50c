//! The tree view's order: the spawn trees depth first, with each process's links to
//! processes of other nodes drawn under it.

use std::collections::{BTreeMap, HashMap, HashSet};

use grain::Pid;
use grain::observe::ProcessRow;

/// Depth-first order of the spawn trees (a supervisor's children are the processes it
/// spawned; a process spawned by another node's process is under it when both are shown),
/// skipping the subtrees of folded nodes. Under each process come its links to processes
/// of other nodes; their indexes go into `link_rows`.
pub(crate) fn order(
    rows: &[&ProcessRow],
    folded: &HashSet<Pid>,
    link_rows: &mut HashSet<usize>,
) -> Vec<(Pid, usize)> {
    let by_pid: HashMap<Pid, &ProcessRow> = rows.iter().map(|r| (r.pid, *r)).collect();
    let mut children: BTreeMap<Option<Pid>, Vec<Pid>> = BTreeMap::new();
    for r in rows {
        let parent = r.parent.filter(|p| by_pid.contains_key(p));
        children.entry(parent).or_default().push(r.pid);
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<(Pid, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|p| (*p, 0)).collect())
        .unwrap_or_default();
    while let Some((pid, depth)) = stack.pop() {
        out.push((pid, depth));
        if folded.contains(&pid) {
            continue;
        }
        if let Some(row) = by_pid.get(&pid) {
            for link in row.links.iter().filter(|l| l.node() != pid.node()) {
                link_rows.insert(out.len());
                out.push((*link, depth + 1));
            }
        }
        if let Some(kids) = children.get(&Some(pid)) {
            stack.extend(kids.iter().rev().map(|p| (*p, depth + 1)));
        }
    }
    out
}
