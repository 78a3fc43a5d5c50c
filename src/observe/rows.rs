//! The rows and counters the aggregator sends: a process's row read from its stats slot and
//! relations, the node's counters (with its resident set), and the fingerprint that tells an
//! unchanged process from a changed one.

use std::sync::atomic::Ordering::Relaxed;

use super::{ProcessRow, Totals};
use crate::process::ProcessCell;
use crate::runtime::RuntimeInner;

/// The node's counters, its processes' memory summed over the whole node.
pub(crate) fn totals(rt: &RuntimeInner) -> Totals {
    let memory = rt.processes.iter().map(|e| e.value().memory_total()).sum();
    totals_with(rt, memory)
}

/// The node's counters, with `memory` the sum of its processes' memory (the aggregator sums
/// it on its pass over the table).
pub(crate) fn totals_with(rt: &RuntimeInner, memory: u64) -> Totals {
    Totals {
        alive: rt.processes.len() as u64,
        spawned: rt.spawned_total.load(Relaxed),
        exited: rt.exited_total.load(Relaxed),
        dropped_events: rt.events.dropped(),
        memory_bytes: memory,
        rss_bytes: resident_bytes().unwrap_or(0),
    }
}

/// This process's resident set in bytes (`VmRSS` of /proc/self/status), where Linux says.
pub(crate) fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_rss(&status)
}

/// The `VmRSS:  1234 kB` line of a /proc status file, in bytes.
fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let mut words = line["VmRSS:".len()..].split_whitespace();
    let n: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => Some(n * 1024),
        Some(_) => None,
    }
}

/// A digest of what a row shows from the stats slot: kept in the slot when the row is sent,
/// so an unchanged process costs a few loads from its own cache lines at each tick.
pub(crate) fn fingerprint(cell: &ProcessCell) -> u64 {
    let s = &cell.stats;
    let (call, since) = s.host_call().map_or((0, 0), |(c, t)| (c as u64 + 1, t));
    [
        s.status() as u64,
        s.fuel_used(),
        s.memory_bytes(),
        cell.mailbox.len() as u64,
        cell.mailbox.bytes() as u64,
        s.messages_in(),
        s.messages_out(),
        call,
        since,
        u64::from(s.restarts()),
    ]
    .iter()
    .fold(0x243f_6a88_85a3_08d3, |h: u64, v| {
        (h.rotate_left(23) ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    })
}

/// Notes `row` as sent in its process's slot; a supervised child whose id its supervisor
/// has not recorded yet is built again at the next tick, so the id follows.
pub(crate) fn mark_sent(rt: &RuntimeInner, cell: &ProcessCell, row: &ProcessRow) {
    let supervised =
        row.child_id.is_none() && cell.parent.is_some_and(|p| rt.supervisors.contains_key(&p));
    let print = if supervised { 0 } else { fingerprint(cell) };
    cell.stats.sent.store(print, Relaxed);
}

/// The id its supervisor gave the process, when a supervisor of this runtime started it.
fn child_id(rt: &RuntimeInner, cell: &ProcessCell) -> Option<String> {
    let sup = rt.supervisors.get(&cell.parent?)?.value().clone();
    let info = sup.info.lock().ok()?;
    info.children
        .iter()
        .find(|c| c.pid == Some(cell.pid))
        .map(|c| c.id.clone())
}

/// The row of one process, read from its stats slot and relations.
pub(crate) fn row(rt: &RuntimeInner, cell: &ProcessCell) -> ProcessRow {
    let stats = &cell.stats;
    let mut links: Vec<crate::Pid> = cell.relations().links.keys().copied().collect();
    links.sort();
    let names = if cell.registered.load(Relaxed) {
        rt.registry.names_of(cell.pid)
    } else {
        Vec::new()
    };
    let mailbox_bytes = cell.mailbox.bytes() as u64;
    let module = cell.module();
    ProcessRow {
        pid: cell.pid,
        parent: cell.parent,
        names,
        module: module
            .as_ref()
            .map_or_else(|| "host".into(), |m| m.name().to_owned()),
        version: module.as_ref().map_or(0, |m| m.version()),
        function: cell.runs().to_owned(),
        status: stats.status(),
        fuel_used: stats.fuel_used(),
        fuel_limit: cell.config.fuel_limit(),
        memory_bytes: stats.memory_bytes() + mailbox_bytes,
        mailbox_bytes,
        memory_limit: cell.config.max_memory,
        mailbox_len: cell.mailbox.len(),
        messages_in: stats.messages_in(),
        messages_out: stats.messages_out(),
        host_call: stats.host_call(),
        restarts: stats.restarts(),
        links,
        spawned_us: cell.spawned_us,
        child_id: child_id(rt, cell),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_vm_rss;

    #[test]
    fn reads_the_resident_set_of_a_status_file() {
        let status = "Name:\tgrain\nVmPeak:\t  9000 kB\nVmRSS:\t   5120 kB\nThreads:\t4\n";
        assert_eq!(parse_vm_rss(status), Some(5 << 20));
        assert_eq!(parse_vm_rss("Name:\tgrain\n"), None);
        assert_eq!(parse_vm_rss("VmRSS: 12 MB\n"), None);
    }

    #[test]
    fn this_process_has_a_resident_set() {
        if cfg!(target_os = "linux") {
            let rss = super::resident_bytes().expect("linux says");
            assert!(rss > 1 << 20, "a test binary is bigger than {rss} bytes");
        }
    }
}
