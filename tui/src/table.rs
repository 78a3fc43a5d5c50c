//! The state an observer draws: the process table folded from a stream of updates, with
//! the rates, sparklines and restart flashes derived from consecutive updates.

use std::collections::{BTreeMap, HashMap, VecDeque};

use grain::Pid;
use grain::observe::{Event, EventKind, ProcessRow, Totals, Update};

use crate::nodes::Nodes;

/// How many recent events a table keeps.
pub const EVENTS: usize = 1_000;
/// How many samples a sparkline keeps.
pub const SPARK: usize = 60;
/// How long a restarted row stays highlighted (µs).
pub const FLASH_US: u64 = 2_000_000;

/// Recent samples of one process, for its sparklines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spark {
    /// Fuel per second.
    pub fuel: VecDeque<u64>,
    /// Memory in bytes.
    pub memory: VecDeque<u64>,
}

/// The node as of one update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// When (µs since the node started).
    pub at_us: u64,
    /// Live processes.
    pub rows: BTreeMap<Pid, ProcessRow>,
    /// Recent events, oldest first.
    pub events: VecDeque<Event>,
    /// The sequence number of the first of `events` (every event the table saw has one).
    pub events_first: u64,
    /// Counters.
    pub totals: Totals,
    /// Fuel per second of the processes that ran since the previous update.
    pub fuel_rate: HashMap<Pid, u64>,
    /// Sparklines of processes that changed.
    pub sparks: HashMap<Pid, Spark>,
    /// Rows highlighted after a restart, until when (µs).
    pub flash: HashMap<Pid, u64>,
    /// Live processes the system monitor alerted on, with the last alert (highlighted).
    pub alerts: HashMap<Pid, String>,
    /// Recent exits, for the detail of a process that is gone.
    pub exits: VecDeque<(Pid, String)>,
    /// The cluster, when the node is in one (or a watcher watches one).
    pub nodes: Option<Nodes>,
}

impl Table {
    /// Folds one update in.
    pub fn apply(&mut self, update: &Update) {
        match update {
            Update::Full(s) => {
                self.at_us = s.at_us;
                self.rows = s.processes.iter().map(|r| (r.pid, r.clone())).collect();
                self.events_first += self.events.len() as u64;
                self.events.clear();
                self.exits.clear();
                self.fuel_rate.clear();
                self.sparks.clear();
                self.flash.clear();
                self.nodes = s.cluster.as_ref().map(|view| {
                    let mut nodes = Nodes::default();
                    nodes.view(view, s.at_us);
                    nodes.sample(s.at_us);
                    nodes
                });
                for e in &s.events {
                    self.event(e);
                }
                self.totals = s.totals.clone();
            }
            Update::Delta(d) => {
                // A delta at the same moment is a page of a large snapshot: no rates.
                let dt = d.at_us.saturating_sub(self.at_us);
                if dt > 0 {
                    self.fuel_rate.clear();
                }
                for row in &d.changed {
                    // Rates need two samples: a new row has none yet.
                    let rate = match self.rows.get(&row.pid) {
                        Some(before) if dt > 0 => {
                            row.fuel_used
                                .saturating_sub(before.fuel_used)
                                .saturating_mul(1_000_000)
                                / dt
                        }
                        _ => 0,
                    };
                    if rate > 0 {
                        self.fuel_rate.insert(row.pid, rate);
                    }
                    let spark = self.sparks.entry(row.pid).or_default();
                    push(&mut spark.fuel, rate, SPARK);
                    push(&mut spark.memory, row.memory_bytes, SPARK);
                    self.rows.insert(row.pid, row.clone());
                }
                for pid in &d.removed {
                    self.rows.remove(pid);
                    self.sparks.remove(pid);
                }
                self.at_us = self.at_us.max(d.at_us);
                if let Some(view) = &d.cluster {
                    self.nodes.get_or_insert_default().view(view, d.at_us);
                }
                if let Some(nodes) = self.nodes.as_mut().filter(|_| dt > 0) {
                    nodes.sample(d.at_us);
                }
                for e in &d.events {
                    self.event(e);
                }
                self.totals = d.totals.clone();
            }
        }
        let now = self.at_us;
        self.flash.retain(|_, until| *until > now);
    }

    fn event(&mut self, e: &Event) {
        match &e.kind {
            EventKind::Restarted { new, .. } if e.at_us + FLASH_US > self.at_us => {
                self.flash.insert(e.pid, e.at_us + FLASH_US);
                self.flash.insert(*new, e.at_us + FLASH_US);
            }
            EventKind::Exited { reason } => {
                self.alerts.remove(&e.pid);
                push(&mut self.exits, (e.pid, reason.to_string()), 100)
            }
            EventKind::Alert { alert } => {
                self.alerts.insert(e.pid, alert.to_string());
            }
            EventKind::NodeUp { .. } | EventKind::NodeDown { .. } => {
                if let Some(nodes) = self.nodes.as_mut() {
                    nodes.event(e);
                }
            }
            _ => {}
        }
        if self.events.len() == EVENTS {
            self.events_first += 1;
        }
        push(&mut self.events, e.clone(), EVENTS);
    }

    /// Fuel per second over all processes.
    pub fn fuel_per_s(&self) -> u64 {
        self.fuel_rate.values().sum()
    }

    /// The memory of the node's processes: the node's own sum (over every process, also
    /// those not sent), or the rows' sum from a node that does not say.
    pub fn memory(&self) -> u64 {
        match self.totals.memory_bytes {
            0 => self.rows.values().map(|r| r.memory_bytes).sum(),
            n => n,
        }
    }

    /// How a process that left the table ended, if it ended recently.
    pub fn exit_of(&self, pid: Pid) -> Option<&str> {
        self.exits
            .iter()
            .rev()
            .find(|(p, _)| *p == pid)
            .map(|(_, r)| r.as_str())
    }
}

fn push<T>(ring: &mut VecDeque<T>, item: T, cap: usize) {
    if ring.len() == cap {
        ring.pop_front();
    }
    ring.push_back(item);
}

/// The most process rows a history holds across its updates (about 300 MB): on a node where
/// every process changes at every tick, the window shrinks rather than memory growing.
pub const HISTORY_ROWS: usize = 1_000_000;

/// The updates of the last minutes, to scrub back through: the table at the start of the
/// window plus every update since. A table of any moment is rebuilt on demand.
#[derive(Debug, Clone, Default)]
pub struct History {
    base: Table,
    updates: VecDeque<Update>,
    cap: usize,
    rows: usize,
}

fn rows_in(update: &Update) -> usize {
    match update {
        Update::Full(s) => s.processes.len(),
        Update::Delta(d) => d.changed.len(),
    }
}

impl History {
    /// A history of at most `cap` updates.
    pub fn new(cap: usize) -> Self {
        History {
            base: Table::default(),
            updates: VecDeque::new(),
            cap: cap.max(1),
            rows: 0,
        }
    }

    /// Remembers an update; the oldest is folded into the base when full.
    pub fn push(&mut self, update: Update) {
        if let Update::Full(_) = update {
            self.base = Table::default();
            self.updates.clear();
            self.rows = 0;
        }
        self.rows += rows_in(&update);
        self.updates.push_back(update);
        while self.updates.len() > 1
            && (self.updates.len() > self.cap || self.rows > HISTORY_ROWS)
            && let Some(old) = self.updates.pop_front()
        {
            self.rows -= rows_in(&old);
            self.base.apply(&old);
        }
    }

    /// How many moments it holds.
    pub fn len(&self) -> usize {
        self.updates.len()
    }

    /// Does it hold nothing?
    pub fn is_empty(&self) -> bool {
        self.updates.is_empty()
    }

    /// The table as of update `i` (0 is the oldest kept).
    pub fn at(&self, i: usize) -> Table {
        let mut table = self.base.clone();
        for u in self.updates.iter().take(i + 1) {
            table.apply(u);
        }
        table
    }
}
