//! The aggregator task: folds events and stats slots into snapshots and deltas.

use std::collections::HashSet;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Weak};

use tokio::sync::mpsc;

use super::{ClusterView, Delta, Event, EventKind, ProcessRow, Snapshot, Totals, Update};
use crate::Pid;
use crate::process::ProcessCell;
use crate::runtime::RuntimeInner;

/// The aggregator's budget: publishing may take at most 1/BUDGET of the time, so with a
/// very large table deltas come less often than `observe_interval` (a 17 ms pass over
/// 100,000 processes makes them about a second apart).
const BUDGET: u32 = 50;

struct Aggregator {
    rt: Weak<RuntimeInner>,
    /// The events of the delta being built (taken from the sink).
    pending: Vec<Event>,
    /// The processes the subscribers know of.
    sent: HashSet<Pid, PidHash>,
    /// Events dropped as of the last publish.
    dropped: u64,
    /// The cluster's nodes as last sent.
    nodes: Vec<crate::cluster::NodeStatus>,
    subscribers: Vec<mpsc::UnboundedSender<Update>>,
}

pub(crate) fn start_aggregator(
    rt: &Arc<RuntimeInner>,
    mut subscribe: mpsc::UnboundedReceiver<mpsc::UnboundedSender<Update>>,
) {
    let interval = rt.config.observe_interval;
    let mut agg = Aggregator {
        rt: Arc::downgrade(rt),
        pending: Vec::new(),
        sent: HashSet::default(),
        dropped: 0,
        nodes: Vec::new(),
        subscribers: Vec::new(),
    };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut next = tokio::time::Instant::now();
        loop {
            tokio::select! {
                sub = subscribe.recv() => match sub {
                    Some(sub) => {
                        if !agg.welcome(sub) { break; }
                    }
                    None => break,
                },
                now = tick.tick() => {
                    if now < next { continue; }
                    if !agg.publish() { break; }
                    next = now + now.elapsed() * BUDGET;
                }
            }
        }
    });
}

impl Aggregator {
    /// Sends a full snapshot to a new subscriber. False when the runtime is gone.
    fn welcome(&mut self, sub: mpsc::UnboundedSender<Update>) -> bool {
        // Those already watching get what is pending first: the new one starts from here.
        if !self.publish() {
            return false;
        }
        let Some(rt) = self.rt.upgrade() else {
            return false;
        };
        // The history the snapshot carries ends where the next delta's events begin (what
        // came since the publish above goes to everyone in the next delta).
        let (events, exits) = rt.events.watch(&mut self.pending);
        let rows = rows(&rt);
        self.sent = rows.iter().map(|r| r.pid).collect();
        self.dropped = rt.events.dropped();
        let cluster = cluster_view(&rt);
        if let Some(view) = &cluster {
            self.nodes = view.nodes.clone();
        }
        let snapshot = Snapshot {
            at_us: rt.now_us(),
            processes: rows,
            events,
            exits,
            totals: totals(&rt),
            cluster,
        };
        if sub.send(Update::Full(snapshot)).is_ok() {
            self.subscribers.push(sub);
        }
        true
    }

    /// Sends every subscriber what changed. False when the runtime is gone.
    fn publish(&mut self) -> bool {
        let Some(rt) = self.rt.upgrade() else {
            return false;
        };
        self.subscribers.retain(|s| !s.is_closed());
        if self.subscribers.is_empty() {
            rt.events.unwatch();
            self.pending.clear();
            return true;
        }
        rt.events.take_pending(&mut self.pending);
        // Links and names change with events; everything else lives in the stats slots,
        // which are compared before a row is built: an idle process costs a few loads.
        let touched: HashSet<Pid> = self
            .pending
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Spawned { .. } | EventKind::Exited { .. }))
            .map(|e| e.pid)
            .chain(self.pending.iter().filter_map(|e| match &e.kind {
                EventKind::Linked { other } | EventKind::Unlinked { other } => Some(*other),
                _ => None,
            }))
            .collect();
        let mut changed = Vec::new();
        for entry in rt.processes.iter() {
            let cell = entry.value();
            let print = fingerprint(cell);
            let same = cell.stats.sent.load(Relaxed) == print
                && !touched.contains(&cell.pid)
                && self.sent.contains(&cell.pid);
            if !same {
                cell.stats.sent.store(print, Relaxed);
                self.sent.insert(cell.pid);
                changed.push(row(&rt, cell));
            }
        }
        changed.sort_by_key(|r| r.pid);
        // Exits are events; only when events were dropped is the whole table checked.
        let dropped = rt.events.dropped();
        let mut removed: Vec<Pid> = if dropped == self.dropped {
            self.pending
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Exited { .. }))
                .map(|e| e.pid)
                .filter(|p| self.sent.contains(p) && !rt.processes.contains_key(p))
                .collect()
        } else {
            self.sent
                .iter()
                .filter(|p| !rt.processes.contains_key(p))
                .copied()
                .collect()
        };
        self.dropped = dropped;
        removed.sort();
        for pid in &removed {
            self.sent.remove(pid);
        }
        // The cluster travels when one of its nodes changed.
        let cluster = cluster_view(&rt).filter(|view| view.nodes != self.nodes);
        if let Some(view) = &cluster {
            self.nodes = view.nodes.clone();
        }
        let delta = Delta {
            at_us: rt.now_us(),
            changed,
            removed,
            events: std::mem::take(&mut self.pending),
            totals: totals(&rt),
            cluster,
        };
        self.subscribers
            .retain(|s| s.send(Update::Delta(delta.clone())).is_ok());
        true
    }
}

/// Pids are small sequential integers: a multiply spreads them well enough, at a fraction of
/// SipHash's cost (the aggregator looks up every process at every tick).
#[derive(Default, Clone, Copy)]
struct PidHash;

impl std::hash::BuildHasher for PidHash {
    type Hasher = PidHasher;
    fn build_hasher(&self) -> PidHasher {
        PidHasher(0)
    }
}

#[derive(Default)]
struct PidHasher(u64);

impl std::hash::Hasher for PidHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// The cluster as this node sees it, if it is in one.
fn cluster_view(rt: &RuntimeInner) -> Option<ClusterView> {
    let cluster = rt.cluster()?;
    Some(ClusterView {
        cluster: cluster.config.cluster.clone(),
        this: Some(cluster.id),
        clock_ms: crate::cluster::unix_ms(),
        nodes: cluster.statuses(),
    })
}

pub(crate) fn totals(rt: &RuntimeInner) -> Totals {
    Totals {
        alive: rt.processes.len() as u64,
        spawned: rt.spawned_total.load(Relaxed),
        exited: rt.exited_total.load(Relaxed),
        dropped_events: rt.events.dropped(),
    }
}

/// Every row, each process's fingerprint noted as sent.
fn rows(rt: &RuntimeInner) -> Vec<ProcessRow> {
    let mut rows: Vec<ProcessRow> = rt
        .processes
        .iter()
        .map(|e| {
            let cell = e.value();
            cell.stats.sent.store(fingerprint(cell), Relaxed);
            row(rt, cell)
        })
        .collect();
    rows.sort_by_key(|r| r.pid);
    rows
}

/// A digest of what a row shows from the stats slot: kept in the slot when the row is sent,
/// so an unchanged process costs a few loads from its own cache lines at each tick.
fn fingerprint(cell: &ProcessCell) -> u64 {
    let s = &cell.stats;
    let (call, since) = s.host_call().map_or((0, 0), |(c, t)| (c as u64 + 1, t));
    [
        s.status() as u64,
        s.fuel_used(),
        s.memory_bytes(),
        cell.mailbox.len() as u64,
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

/// The row of one process, read from its stats slot and relations.
pub(crate) fn row(rt: &RuntimeInner, cell: &ProcessCell) -> ProcessRow {
    let stats = &cell.stats;
    let mut links: Vec<Pid> = cell.relations().links.keys().copied().collect();
    links.sort();
    let names = if cell.registered.load(Relaxed) {
        rt.registry.names_of(cell.pid)
    } else {
        Vec::new()
    };
    ProcessRow {
        pid: cell.pid,
        parent: cell.parent,
        names,
        module: cell.module_name().to_owned(),
        function: cell.function.clone(),
        status: stats.status(),
        fuel_used: stats.fuel_used(),
        fuel_limit: cell.config.fuel_limit(),
        memory_bytes: stats.memory_bytes(),
        memory_limit: cell.config.max_memory,
        mailbox_len: cell.mailbox.len(),
        messages_in: stats.messages_in(),
        messages_out: stats.messages_out(),
        host_call: stats.host_call(),
        restarts: stats.restarts(),
        links,
        spawned_us: cell.spawned_us,
    }
}
