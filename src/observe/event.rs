//! Lifecycle events, and the sink that keeps them for observers.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::{ExitReason, Pid};

/// Something that happened to a process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When, in µs since the runtime started.
    pub at_us: u64,
    /// The process it happened to.
    pub pid: Pid,
    /// What happened.
    pub kind: EventKind,
}

/// The kinds of lifecycle events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// The process was spawned.
    Spawned {
        /// Who spawned it (`None` for the host: `grain run`, the shell).
        parent: Option<Pid>,
        /// The module's name.
        module: String,
        /// The entry function.
        function: String,
    },
    /// The process ended.
    Exited {
        /// Why.
        reason: ExitReason,
    },
    /// The process was linked to another.
    Linked {
        /// The other end.
        other: Pid,
    },
    /// A link was removed.
    Unlinked {
        /// The other end.
        other: Pid,
    },
    /// The process was registered under a name.
    Registered {
        /// The name.
        name: String,
    },
    /// A name of the process was removed.
    Unregistered {
        /// The name.
        name: String,
    },
    /// This process (a supervisor, or a guest acting as one) restarted a child.
    Restarted {
        /// The child's id (for a guest, its entry function).
        child: String,
        /// The incarnation that ended.
        old: Option<Pid>,
        /// The new incarnation.
        new: Pid,
        /// Why the child ended.
        reason: String,
        /// Restarts of this child so far.
        restarts: u32,
        /// Restarts within the supervisor's intensity window before this one.
        window: u32,
        /// The most restarts the window allows.
        max_restarts: u32,
    },
    /// A limit stopped something: a spawn refused at the node's process limit (`pid` is the
    /// spawner, or 0 for the host), or a process ended by its memory, fuel or mailbox limit.
    LimitHit {
        /// Which limit.
        limit: Limit,
        /// Its value (processes, bytes, fuel or messages).
        value: u64,
    },
    /// A supervisor gave up: it stops its children and exits.
    GaveUp {
        /// Why.
        reason: String,
    },
    /// Another node of the cluster came up (the event's pid is `<node.0>`).
    NodeUp {
        /// The node's id.
        node: u64,
        /// Its name.
        name: String,
    },
    /// A module was loaded under a name (the event's pid is `<node.0>`).
    Loaded {
        /// The name.
        module: String,
        /// The version it became (the current one).
        version: u32,
    },
    /// The process moved onto new code in place (`Runtime::upgrade`).
    Upgraded {
        /// The code it ran (`name@version`).
        from: String,
        /// The code it runs now.
        to: String,
        /// From the request to the new code taking over, in µs.
        micros: u64,
        /// The size of the state handed over.
        state_bytes: u64,
    },
    /// An upgrade of the process was rolled back: it goes on running its old code.
    UpgradeFailed {
        /// The code that failed to take over.
        to: String,
        /// Why.
        reason: String,
    },
    /// Old versions of a module were purged (the event's pid is `<node.0>`).
    Purged {
        /// The module's name.
        module: String,
        /// The versions dropped.
        versions: Vec<u32>,
        /// The processes that ended with them.
        ended: u64,
    },
    /// The system monitor saw something worth a look (`grain::monitor`).
    Alert {
        /// What.
        alert: crate::monitor::Alert,
    },
    /// Another node went down or could not be reached; every link and monitor to its
    /// processes fired with `noconnection`.
    NodeDown {
        /// The node's id.
        node: u64,
        /// Its name.
        name: String,
        /// Why, e.g. "no heartbeat for 1012 ms".
        reason: String,
    },
}

/// How many recent events and exits a snapshot carries.
const HISTORY: usize = 1_000;

/// Where events go: folded at once, under a short lock, into the recent history a snapshot
/// carries and, while somebody watches, into the queue of the next delta. Emitting never
/// blocks and wakes nobody: a channel to the aggregator task woke a tokio worker (a system
/// call and a context switch) for every spawn and every exit.
#[derive(Debug)]
pub(crate) struct EventSink {
    log: Mutex<EventLog>,
    /// The most events waiting for the next delta; beyond it they are counted as dropped.
    capacity: usize,
    dropped: AtomicU64,
}

/// What the sink holds for the aggregator.
#[derive(Debug, Default)]
struct EventLog {
    /// The latest events, oldest first.
    recent: VecDeque<Event>,
    /// The latest exits, oldest first.
    exits: VecDeque<(Pid, ExitReason)>,
    /// Events since the last delta (kept only while `watched`).
    pending: Vec<Event>,
    /// Whether anybody subscribes.
    watched: bool,
}

/// The recent history a snapshot carries.
pub(crate) type History = (Vec<Event>, Vec<(Pid, ExitReason)>);

impl EventSink {
    pub(crate) fn new(capacity: usize) -> Self {
        EventSink {
            log: Mutex::default(),
            capacity: capacity.max(1),
            dropped: AtomicU64::new(0),
        }
    }

    pub(crate) fn emit(&self, event: Event) {
        let mut log = self.log();
        if let EventKind::Exited { reason } = &event.kind {
            push_bounded(&mut log.exits, (event.pid, reason.clone()));
        }
        if log.watched {
            if log.pending.len() < self.capacity {
                log.pending.push(event.clone());
            } else {
                self.dropped.fetch_add(1, Relaxed);
            }
        }
        push_bounded(&mut log.recent, event);
    }

    fn log(&self) -> MutexGuard<'_, EventLog> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A subscriber arrives: events are kept for deltas from now on. Moves the events not
    /// yet in a delta into `pending` and returns the history up to here, in one step, so
    /// the history ends where the next delta's events begin.
    pub(crate) fn watch(&self, pending: &mut Vec<Event>) -> History {
        let mut log = self.log();
        log.watched = true;
        pending.append(&mut log.pending);
        (
            log.recent.iter().cloned().collect(),
            log.exits.iter().cloned().collect(),
        )
    }

    /// The last subscriber left: events are no longer kept for deltas.
    pub(crate) fn unwatch(&self) {
        let mut log = self.log();
        log.watched = false;
        log.pending.clear();
    }

    /// Moves the events since the last delta into `pending`.
    pub(crate) fn take_pending(&self, pending: &mut Vec<Event>) {
        pending.append(&mut self.log().pending);
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }
}

fn push_bounded<T>(ring: &mut VecDeque<T>, item: T) {
    if ring.len() == HISTORY {
        ring.pop_front();
    }
    ring.push_back(item);
}

/// The limits a node enforces (see [`EventKind::LimitHit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limit {
    /// The most processes alive at once (`RuntimeConfig::max_processes`).
    Processes,
    /// A process's linear memory (`ProcessConfig::max_memory`).
    Memory,
    /// A process's fuel (`ProcessConfig::max_fuel`).
    Fuel,
    /// Messages queued for one process (`RuntimeConfig::max_mailbox`).
    Mailbox,
}

impl Limit {
    /// A value of this limit with its unit: `1.00M fuel`, `16.0 MiB`, `1000 messages`.
    pub fn amount(self, value: u64) -> String {
        match self {
            Limit::Fuel => crate::quantity::fuel(value),
            Limit::Memory => crate::quantity::bytes(value),
            Limit::Processes => format!("{value} processes"),
            Limit::Mailbox => format!("{value} messages"),
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::Processes => "process limit",
            Limit::Memory => "memory limit",
            Limit::Fuel => "fuel limit",
            Limit::Mailbox => "mailbox limit",
        })
    }
}
