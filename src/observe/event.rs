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
