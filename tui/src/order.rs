//! The order and the filter of the process table, shared by the terminal observer and the
//! web observer's windows.

use std::cmp::Ordering;

use grain::observe::ProcessRow;

use crate::model::{Column, contains, matches, state};
use crate::table::Table;

/// Does the row pass the filter (empty: every row does): [`matches`], or its node's name
/// contains it.
pub fn passes(table: &Table, row: &ProcessRow, filter: &str) -> bool {
    filter.is_empty()
        || matches(row, filter)
        || table
            .nodes
            .as_ref()
            .is_some_and(|n| contains(&n.node_of(row.pid), filter))
}

/// The order of two rows of `table` sorted by `sort`: a resource biggest first, pids and
/// names ascending, the other way round when `invert`; ties go by pid, so the order is total.
pub fn compare(
    table: &Table,
    sort: Column,
    invert: bool,
    a: &ProcessRow,
    b: &ProcessRow,
) -> Ordering {
    let rate = |r: &ProcessRow| table.fuel_rate.get(&r.pid).copied().unwrap_or(0);
    let o = match sort {
        Column::Pid => a.pid.cmp(&b.pid),
        Column::Name => a.names.cmp(&b.names),
        Column::Module => {
            (&a.module, a.version, &a.function).cmp(&(&b.module, b.version, &b.function))
        }
        Column::State => state(a).cmp(state(b)),
        Column::FuelRate => rate(a).cmp(&rate(b)),
        Column::Fuel => a.fuel_used.cmp(&b.fuel_used),
        Column::Memory => a.memory_bytes.cmp(&b.memory_bytes),
        Column::Mailbox => a.mailbox_len.cmp(&b.mailbox_len),
        Column::Restarts => a.restarts.cmp(&b.restarts),
        // Waiting longest first (the oldest `since`), then the rest.
        Column::HostCall => since(a).cmp(&since(b)),
        Column::Node => a.pid.node().cmp(&b.pid.node()),
    };
    // A resource sorts biggest first (the host call's order already is).
    let o = if sort.biggest_first() && sort != Column::HostCall {
        o.reverse()
    } else {
        o
    };
    let o = if invert { o.reverse() } else { o };
    o.then(a.pid.cmp(&b.pid))
}

/// Sorts rows in a host call by when they entered it (longest first), then the others.
fn since(row: &ProcessRow) -> (bool, u64) {
    row.host_call.map_or((true, 0), |(_, t)| (false, t))
}
