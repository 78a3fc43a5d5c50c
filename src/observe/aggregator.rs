//! The aggregator task: folds events and stats slots into snapshots and deltas.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Weak};

use tokio::sync::mpsc;

use super::{Delta, Event, EventKind, ProcessRow, Snapshot, Totals, Update};
use crate::process::ProcessCell;
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

/// How many recent events and exits a snapshot carries.
const HISTORY: usize = 1_000;

struct Aggregator {
    rt: Weak<RuntimeInner>,
    events: VecDeque<Event>,
    exits: VecDeque<(Pid, ExitReason)>,
    pending: Vec<Event>,
    last: HashMap<Pid, ProcessRow>,
    subscribers: Vec<mpsc::UnboundedSender<Update>>,
}

pub(crate) fn start_aggregator(
    rt: &Arc<RuntimeInner>,
    mut events: mpsc::Receiver<Event>,
    mut subscribe: mpsc::UnboundedReceiver<mpsc::UnboundedSender<Update>>,
) {
    let interval = rt.config.observe_interval;
    let mut agg = Aggregator {
        rt: Arc::downgrade(rt),
        events: VecDeque::new(),
        exits: VecDeque::new(),
        pending: Vec::new(),
        last: HashMap::new(),
        subscribers: Vec::new(),
    };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    Some(event) => agg.fold(event),
                    None => break,
                },
                sub = subscribe.recv() => match sub {
                    Some(sub) => {
                        if !agg.welcome(sub) { break; }
                    }
                    None => break,
                },
                _ = tick.tick() => {
                    if !agg.publish() { break; }
                }
            }
        }
    });
}

impl Aggregator {
    fn fold(&mut self, event: Event) {
        if let EventKind::Exited { reason } = &event.kind {
            push_bounded(&mut self.exits, (event.pid, reason.clone()));
        }
        push_bounded(&mut self.events, event.clone());
        if !self.subscribers.is_empty() {
            self.pending.push(event);
        }
    }

    /// Sends a full snapshot to a new subscriber. False when the runtime is gone.
    fn welcome(&mut self, sub: mpsc::UnboundedSender<Update>) -> bool {
        let Some(rt) = self.rt.upgrade() else {
            return false;
        };
        let rows = rows(&rt);
        self.last = rows.iter().map(|r| (r.pid, r.clone())).collect();
        self.pending.clear();
        let snapshot = Snapshot {
            at_us: rt.now_us(),
            processes: rows,
            events: self.events.iter().cloned().collect(),
            exits: self.exits.iter().cloned().collect(),
            totals: totals(&rt),
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
            return true;
        }
        let rows = rows(&rt);
        let mut changed = Vec::new();
        let mut now: HashMap<Pid, ProcessRow> = HashMap::with_capacity(rows.len());
        for row in rows {
            if self.last.get(&row.pid) != Some(&row) {
                changed.push(row.clone());
            }
            now.insert(row.pid, row);
        }
        let mut removed: Vec<Pid> = self
            .last
            .keys()
            .filter(|p| !now.contains_key(p))
            .copied()
            .collect();
        removed.sort();
        self.last = now;
        let delta = Delta {
            at_us: rt.now_us(),
            changed,
            removed,
            events: std::mem::take(&mut self.pending),
            totals: totals(&rt),
        };
        self.subscribers
            .retain(|s| s.send(Update::Delta(delta.clone())).is_ok());
        true
    }
}

fn push_bounded<T>(ring: &mut VecDeque<T>, item: T) {
    if ring.len() == HISTORY {
        ring.pop_front();
    }
    ring.push_back(item);
}

fn totals(rt: &RuntimeInner) -> Totals {
    Totals {
        alive: rt.processes.len() as u64,
        spawned: rt.spawned_total.load(Relaxed),
        exited: rt.exited_total.load(Relaxed),
        dropped_events: rt.events.dropped(),
    }
}

fn rows(rt: &RuntimeInner) -> Vec<ProcessRow> {
    let mut rows: Vec<ProcessRow> = rt.processes.iter().map(|e| row(rt, e.value())).collect();
    rows.sort_by_key(|r| r.pid);
    rows
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
