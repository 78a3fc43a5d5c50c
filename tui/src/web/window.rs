//! The windows a page shows, cut from the table on the server: the page of the process
//! table (filtered, sorted, cut), the page of the tree, the newest events, one process.
//! Pure functions of the table and the view: the terminal observer's order and filter.

use std::collections::HashSet;

use grain::Pid;
use grain::observe::{EventKind, ProcessRow};
use serde::Serialize;
use serde_json::{Value, json};

use super::protocol::{MAX_LIMIT, View, WebRow};
use crate::model::{Column, compare, passes};
use crate::table::Table;
use crate::view::{call_name, fmt, texts};

/// A page of the process table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessWindow {
    /// Processes in the table.
    pub total: usize,
    /// Processes the filter lets through.
    pub matched: usize,
    /// The index of the first row (clamped to the last page).
    pub offset: usize,
    /// The rows, in order.
    pub rows: Vec<WebRow>,
}

/// The rows a page asks for, and where they start: at most [`MAX_LIMIT`], the offset
/// clamped to the last page.
fn cut(view: &View, matched: usize) -> (usize, usize) {
    let limit = view.limit.clamp(1, MAX_LIMIT);
    let offset = if view.offset >= matched {
        matched.saturating_sub(1) / limit * limit
    } else {
        view.offset
    };
    (offset, (offset + limit).min(matched))
}

/// The page of the process table `view` asks for: filtered ([`crate::model::passes`]), then
/// only the first `offset + limit` rows put in order (a selection, O(n), then a sort of
/// those), then cut. Sorted by pid, the table's own order, nothing is sorted at all.
pub fn process_window(t: &Table, view: &View) -> ProcessWindow {
    let sort = Column::from_key(&view.sort).unwrap_or(Column::Pid);
    let total = t.rows.len();
    if sort == Column::Pid && !view.invert && view.filter.is_empty() {
        let (offset, end) = cut(view, total);
        let rows = t.rows.values().skip(offset).take(end - offset);
        return ProcessWindow {
            total,
            matched: total,
            offset,
            rows: rows.map(|r| web_row(t, r)).collect(),
        };
    }
    let mut rows: Vec<&ProcessRow> = t
        .rows
        .values()
        .filter(|r| passes(t, r, &view.filter))
        .collect();
    let matched = rows.len();
    let (offset, end) = cut(view, matched);
    let order = |a: &&ProcessRow, b: &&ProcessRow| compare(t, sort, view.invert, a, b);
    if end < matched {
        rows.select_nth_unstable_by(end, order);
        rows.truncate(end);
    }
    rows.sort_unstable_by(order);
    ProcessWindow {
        total,
        matched,
        offset,
        rows: rows[offset..].iter().map(|r| web_row(t, r)).collect(),
    }
}

/// One row as the page shows it: the terminal's cells.
pub fn web_row(t: &Table, r: &ProcessRow) -> WebRow {
    let mut cells = texts(t, r).into_iter();
    let mut next = || cells.next().unwrap_or_default();
    let (pid, name, code, state) = (next(), next(), next(), next());
    let (fuel_s, fuel, mem, mbox, rst) = (next(), next(), next(), next(), next());
    let _host = next();
    WebRow {
        pid,
        name,
        code,
        state,
        fuel_s,
        fuel,
        mem,
        mbox,
        rst,
        call: r
            .host_call
            .map(|(call, since)| (call_name(call).to_owned(), since)),
        node: next(),
        flash: t.flash.contains_key(&r.pid),
        alert: t.alerts.get(&r.pid).cloned(),
    }
}

/// The tree's order, kept until processes come or go, the folds or the filter change.
#[derive(Debug, Default)]
pub(crate) struct TreeCache {
    key: Option<(u64, Vec<String>, String)>,
    order: Vec<(Pid, usize)>,
    links: HashSet<usize>,
    branches: Vec<String>,
    parents: HashSet<Pid>,
}

/// The page of the tree `view` asks for: the spawn trees depth first (the terminal's
/// order, with its branch lines), each supervisor's children under it.
pub(crate) fn tree_window(t: &Table, view: &View, shape: u64, cache: &mut TreeCache) -> Value {
    let key = (shape, view.folded.clone(), view.filter.clone());
    // A filter matches states, which change without processes coming or going.
    if cache.key.as_ref() != Some(&key) || !view.filter.is_empty() {
        let rows: Vec<&ProcessRow> = t
            .rows
            .values()
            .filter(|r| passes(t, r, &view.filter))
            .collect();
        let folded: HashSet<Pid> = view.folded.iter().filter_map(|p| p.parse().ok()).collect();
        cache.links.clear();
        cache.branches.clear();
        cache.order = crate::tree::order(&rows, &folded, &mut cache.links, &mut cache.branches);
        cache.parents = rows.iter().filter_map(|r| r.parent).collect();
        cache.key = Some(key);
    }
    let (offset, end) = cut(view, cache.order.len());
    let rows: Vec<Value> = (offset..end)
        .map(|i| {
            let (pid, depth) = cache.order[i];
            let branch = cache.branches.get(i).cloned().unwrap_or_default();
            if cache.links.contains(&i) {
                let node = t
                    .nodes
                    .as_ref()
                    .map_or_else(|| pid.node().to_string(), |n| n.node_of(pid));
                return json!({"pid": pid.to_string(), "link": true, "branch": branch,
                    "depth": depth, "what": format!("link to {pid} on node {node}")});
            }
            let Some(r) = t.rows.get(&pid) else {
                return json!({"pid": pid.to_string(), "branch": branch, "depth": depth});
            };
            let mut v = serde_json::to_value(web_row(t, r)).unwrap_or(Value::Null);
            v["branch"] = branch.into();
            v["depth"] = depth.into();
            if let Some(id) = &r.child_id {
                v["id"] = id.clone().into();
            }
            if cache.parents.contains(&pid) {
                v["kids"] = true.into();
            }
            v
        })
        .collect();
    json!({"total": t.rows.len(), "matched": cache.order.len(), "offset": offset, "rows": rows})
}

/// The newest events the filter lets through: those after `after` (the last sent), or the
/// last [`EVENTS_SENT`] from scratch.
pub(crate) fn events_window(t: &Table, filter: &str, after: Option<u64>) -> (Value, Option<u64>) {
    let list = crate::events::shown(t, filter);
    let fresh: Vec<_> = match after {
        Some(a) => list.iter().filter(|(seq, _)| *seq > a).collect(),
        None => list.iter().collect(),
    };
    let skip = fresh.len().saturating_sub(EVENTS_SENT);
    let lines: Vec<Value> = fresh[skip..]
        .iter()
        .map(|(seq, e)| {
            let (colour, text) = crate::view::what(e);
            json!({"seq": seq, "at": fmt::secs(e.at_us), "pid": e.pid.to_string(),
                "text": text, "kind": format!("{colour:?}").to_lowercase()})
        })
        .collect();
    let last = list.last().map(|(seq, _)| *seq).or(after);
    let v = json!({"reset": after.is_none(), "shown": list.len(), "total": t.events.len(),
        "lines": lines});
    (v, last)
}

/// How many events a page gets at most at once.
pub(crate) const EVENTS_SENT: usize = 500;

/// One process: its row, limits, links, sparklines; or how it ended. `info` (what the
/// node says) is added by the connection.
pub(crate) fn detail_window(t: &Table, pid: Pid) -> Value {
    let spark = t.sparks.get(&pid).cloned().unwrap_or_default();
    // A restarted child's last trap is its previous incarnation's end.
    let before = t.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Restarted { old, new, .. } if *new == pid => *old,
        _ => None,
    });
    let row = t.rows.get(&pid);
    json!({
        "pid": pid.to_string(),
        "row": row.map(|r| web_row(t, r)),
        "exit": t.exit_of(pid),
        "parent": row.and_then(|r| r.parent).map(|p| p.to_string()),
        "names": row.map(|r| r.names.clone()),
        "links": row.map(|r| r.links.iter().map(Pid::to_string).collect::<Vec<_>>()),
        "fuel_limit": row.and_then(|r| r.fuel_limit).map(fmt::count),
        "memory_limit": row.and_then(|r| r.memory_limit).map(fmt::bytes),
        "memory": row.map(|r| fmt::bytes(r.memory_bytes)),
        "mailbox_bytes": row.map(|r| fmt::bytes(r.mailbox_bytes)),
        "messages": row.map(|r| (r.messages_in, r.messages_out)),
        "spawned": row.map(|r| fmt::secs(r.spawned_us)),
        "before": before.map(|p| p.to_string()),
        "fuel": spark.fuel,
        "mem": spark.memory,
    })
}
