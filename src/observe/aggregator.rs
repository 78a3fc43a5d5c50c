//! The aggregator task: folds events and stats slots into snapshots and deltas.

use std::collections::HashSet;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Weak};

use tokio::sync::mpsc;

use super::rows::{fingerprint, mark_sent, row, totals_with};
use super::{ClusterView, Delta, Event, EventKind, ProcessRow, Snapshot, Update};
use crate::Pid;
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
        let mut budget = super::budget::Budget::new(BUDGET);
        loop {
            tokio::select! {
                sub = subscribe.recv() => match sub {
                    Some(sub) => {
                        if !agg.welcome(sub) { break; }
                    }
                    None => break,
                },
                now = tick.tick() => {
                    if budget.run(now, || agg.publish()) == Some(false) { break; }
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
        let (rows, memory) = rows(&rt);
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
            totals: totals_with(&rt, memory),
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
        let mut memory = 0;
        for entry in rt.processes.iter() {
            let cell = entry.value();
            let same = cell.stats.sent.load(Relaxed) == fingerprint(cell)
                && !touched.contains(&cell.pid)
                && self.sent.contains(&cell.pid);
            if same {
                memory += cell.memory_total();
            } else {
                // The totals count what the row says (the process may be growing now).
                let row = row(&rt, cell);
                memory += row.memory_bytes;
                mark_sent(&rt, cell, &row);
                self.sent.insert(cell.pid);
                changed.push(row);
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
            totals: totals_with(&rt, memory),
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

/// Every row, each noted as sent, and the memory of them all.
fn rows(rt: &RuntimeInner) -> (Vec<ProcessRow>, u64) {
    let mut memory = 0;
    let mut rows: Vec<ProcessRow> = rt
        .processes
        .iter()
        .map(|e| {
            let cell = e.value();
            // The totals count what the rows say (a process may be growing now).
            let row = row(rt, cell);
            memory += row.memory_bytes;
            mark_sent(rt, cell, &row);
            row
        })
        .collect();
    rows.sort_by_key(|r| r.pid);
    (rows, memory)
}
