//! The runtime's own metrics, served at `/metrics` beside the guests': processes, messages,
//! fuel, memory, restarts, traps by kind, limit hits and dropped observer events.
//!
//! Nothing here is on a hot path. Per-process counts (messages, fuel) stay in the processes'
//! stats slots and are summed at a scrape; a process that ends adds its counts to the
//! `ended` sums here once, so the totals only grow. Restarts, limit hits and traps are
//! counted as their events are emitted, which is rare.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::observe::{EventKind, Limit};
use crate::process::ProcessCell;
use crate::runtime::RuntimeInner;
use crate::{ExitReason, TrapKind};

/// Counts of the runtime kept for its metrics.
#[derive(Debug, Default)]
pub(crate) struct RuntimeCounters {
    /// Messages ended processes sent.
    ended_sent: AtomicU64,
    /// Messages ended processes received.
    ended_received: AtomicU64,
    /// Fuel ended processes used.
    ended_fuel: AtomicU64,
    restarts: AtomicU64,
    give_ups: AtomicU64,
    /// By how processes ended, then (for traps) by kind.
    exits: Mutex<BTreeMap<&'static str, u64>>,
    traps: Mutex<BTreeMap<String, u64>>,
    limits: Mutex<BTreeMap<&'static str, u64>>,
}

/// The label of an exit reason in `grain_exits_total{reason=...}`.
fn reason_label(reason: &ExitReason) -> &'static str {
    match reason {
        ExitReason::Normal => "normal",
        ExitReason::Exit { .. } => "exit",
        ExitReason::Killed => "killed",
        ExitReason::Purged => "purged",
        ExitReason::LinkDied { .. } => "link_died",
        ExitReason::Trap(_) => "trap",
        ExitReason::Shutdown { .. } => "shutdown",
        ExitReason::NoConnection => "noconnection",
    }
}

fn trap_label(kind: TrapKind) -> String {
    kind.to_string().replace(' ', "_")
}

fn limit_label(limit: Limit) -> &'static str {
    match limit {
        Limit::Processes => "processes",
        Limit::Memory => "memory",
        Limit::Fuel => "fuel",
        Limit::Mailbox => "mailbox",
    }
}

fn bump<K: Ord>(map: &Mutex<BTreeMap<K, u64>>, key: K) {
    *map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_default() += 1;
}

impl RuntimeCounters {
    /// A process ended: its counts move into the sums of ended processes.
    pub(crate) fn ended(&self, cell: &ProcessCell, reason: &ExitReason) {
        self.ended_sent
            .fetch_add(cell.stats.messages_out(), Relaxed);
        self.ended_received
            .fetch_add(cell.stats.messages_in(), Relaxed);
        self.ended_fuel.fetch_add(cell.stats.fuel_used(), Relaxed);
        bump(&self.exits, reason_label(reason));
        if let ExitReason::Trap(trap) = reason {
            bump(&self.traps, trap_label(trap.kind));
        }
    }

    /// An event was emitted: restarts, give-ups and limit hits are counted.
    pub(crate) fn event(&self, kind: &EventKind) {
        match kind {
            EventKind::Restarted { .. } => {
                self.restarts.fetch_add(1, Relaxed);
            }
            EventKind::GaveUp { .. } => {
                self.give_ups.fetch_add(1, Relaxed);
            }
            EventKind::LimitHit { limit, .. } => bump(&self.limits, limit_label(*limit)),
            _ => {}
        }
    }
}

fn metric(out: &mut String, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
    );
}

fn labelled<K: std::fmt::Display>(
    out: &mut String,
    (name, label, help): (&str, &str, &str),
    map: &Mutex<BTreeMap<K, u64>>,
) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
    for (key, n) in map.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        let _ = writeln!(out, "{name}{{{label}=\"{key}\"}} {n}");
    }
}

/// The runtime's metrics in Prometheus's text format.
pub(crate) fn render(rt: &RuntimeInner) -> String {
    let c = &rt.counters;
    let (mut sent, mut received, mut fuel, mut queued, mut memory) = (0, 0, 0, 0, 0);
    for entry in rt.processes.iter() {
        let cell = entry.value();
        sent += cell.stats.messages_out();
        received += cell.stats.messages_in();
        fuel += cell.stats.fuel_used();
        queued += cell.mailbox.len() as u64;
        memory += cell.memory_total();
    }
    let totals = crate::observe::totals_with(rt, memory);
    let mut out = String::new();
    let m = &mut out;
    metric(
        m,
        "grain_processes_alive",
        "gauge",
        "Processes alive.",
        totals.alive,
    );
    metric(
        m,
        "grain_processes_spawned_total",
        "counter",
        "Processes spawned.",
        totals.spawned,
    );
    metric(
        m,
        "grain_processes_exited_total",
        "counter",
        "Processes ended.",
        totals.exited,
    );
    labelled(
        m,
        ("grain_exits_total", "reason", "Processes ended, by how."),
        &c.exits,
    );
    labelled(
        m,
        (
            "grain_traps_total",
            "kind",
            "Processes that trapped, by kind.",
        ),
        &c.traps,
    );
    let sent = sent + c.ended_sent.load(Relaxed);
    metric(
        m,
        "grain_messages_sent_total",
        "counter",
        "Messages processes sent.",
        sent,
    );
    let received = received + c.ended_received.load(Relaxed);
    metric(
        m,
        "grain_messages_received_total",
        "counter",
        "Messages processes took.",
        received,
    );
    metric(
        m,
        "grain_messages_queued",
        "gauge",
        "Messages waiting in mailboxes.",
        queued,
    );
    let fuel = fuel + c.ended_fuel.load(Relaxed);
    metric(
        m,
        "grain_fuel_used_total",
        "counter",
        "Fuel processes used (rate() gives fuel per second).",
        fuel,
    );
    metric(
        m,
        "grain_memory_bytes",
        "gauge",
        "Linear memory and queued messages of live processes.",
        memory,
    );
    metric(
        m,
        "grain_resident_bytes",
        "gauge",
        "The node's resident set.",
        totals.rss_bytes,
    );
    metric(
        m,
        "grain_restarts_total",
        "counter",
        "Children restarted by supervisors.",
        c.restarts.load(Relaxed),
    );
    metric(
        m,
        "grain_supervisor_give_ups_total",
        "counter",
        "Supervisors that reached their restart intensity.",
        c.give_ups.load(Relaxed),
    );
    labelled(
        m,
        (
            "grain_limit_hits_total",
            "limit",
            "Limits that stopped a spawn or ended a process.",
        ),
        &c.limits,
    );
    metric(
        m,
        "grain_observer_events_dropped_total",
        "counter",
        "Events dropped because no observer took them in time.",
        totals.dropped_events,
    );
    out
}
