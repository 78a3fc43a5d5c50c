//! Lifecycle events, and the bounded channel they travel in.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

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
}

/// The sending side: never blocks; a full channel counts the event as dropped.
#[derive(Debug)]
pub(crate) struct EventSink {
    tx: mpsc::Sender<Event>,
    dropped: AtomicU64,
}

impl EventSink {
    pub(crate) fn new(capacity: usize) -> (Self, mpsc::Receiver<Event>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let sink = EventSink {
            tx,
            dropped: AtomicU64::new(0),
        };
        (sink, rx)
    }

    pub(crate) fn emit(&self, event: Event) {
        if self.tx.try_send(event).is_err() {
            self.dropped.fetch_add(1, Relaxed);
        }
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }
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
