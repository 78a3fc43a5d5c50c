//! Tracing with safety rails, after Erlang's `dbg` and `recon_trace`: what a process sends
//! and receives, the host calls it waits in, what it spawns and links, and how it ends, one
//! event at a time as it happens.
//!
//! A trace names a target (a pid, or a module: every process running it, now and later)
//! and the kinds it wants. Its events go into a bounded buffer the tracer drains; a full
//! buffer drops (and counts) events rather than blocking the traced process. A trace stops
//! by itself after `limit` events or when more than `rate` come in one second, and says
//! why. With no trace active a traced point costs one load of a byte in the process's own
//! cell.

mod api;
mod hooks;
mod state;

use serde::{Deserialize, Serialize};

pub use api::{Trace, TraceError};
pub(crate) use state::{TraceSlot, Tracing};

use crate::{ExitReason, Pid};

/// What a trace follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TraceTarget {
    /// One process (of this node).
    Pid(Pid),
    /// Every process running the module of this name, alive now or spawned later.
    Module(String),
}

impl std::fmt::Display for TraceTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TraceTarget::Pid(pid) => write!(f, "{pid}"),
            TraceTarget::Module(name) => write!(f, "module {name}"),
        }
    }
}

/// The kinds of events a trace wants, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceKinds(pub u8);

impl TraceKinds {
    /// Messages sent.
    pub const SEND: TraceKinds = TraceKinds(1);
    /// Messages taken from the mailbox.
    pub const RECEIVE: TraceKinds = TraceKinds(2);
    /// Host calls the process waited in (receive, sleep, network, compile, remote spawn).
    pub const CALLS: TraceKinds = TraceKinds(4);
    /// Processes it spawned, links made and removed.
    pub const SPAWN: TraceKinds = TraceKinds(8);
    /// How it ended.
    pub const EXITS: TraceKinds = TraceKinds(16);
    /// Every kind.
    pub const ALL: TraceKinds = TraceKinds(31);

    /// Does this set hold every kind of `other`?
    pub fn contains(self, other: TraceKinds) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
}

impl std::ops::BitOr for TraceKinds {
    type Output = TraceKinds;
    fn bitor(self, rhs: TraceKinds) -> TraceKinds {
        TraceKinds(self.0 | rhs.0)
    }
}

/// What to trace and the rails that stop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceSpec {
    /// The process or module.
    pub target: TraceTarget,
    /// The kinds of events.
    pub kinds: TraceKinds,
    /// The trace stops after this many events.
    pub limit: u64,
    /// The trace stops when more than this many events come in one second.
    pub rate: Option<u64>,
    /// The most events waiting to be taken; beyond it they are dropped and counted.
    pub buffer: usize,
}

impl TraceSpec {
    /// Every kind of event of `target`, with the default rails (100 events, 1,000 a
    /// second, a buffer of 1,000).
    pub fn new(target: TraceTarget) -> Self {
        TraceSpec {
            target,
            kinds: TraceKinds::ALL,
            limit: 100,
            rate: Some(1_000),
            buffer: 1_000,
        }
    }
}

/// One traced event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// When, in µs since the node started.
    pub at_us: u64,
    /// The traced process.
    pub pid: Pid,
    /// What happened.
    pub kind: TraceEventKind,
}

/// A message as a trace shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedMessage {
    /// The other process (the receiver of a send, the sender of a receive); `None` for a
    /// message from the host or a notice.
    pub peer: Option<Pid>,
    /// Its tag (0 for none).
    pub tag: i64,
    /// Its size in bytes.
    pub size: usize,
    /// Its first bytes (at most [`PREVIEW`]).
    pub head: Vec<u8>,
    /// What it is when it is not data: `link died`, `process died`.
    pub notice: Option<String>,
}

/// How many bytes of a message a trace event carries.
pub const PREVIEW: usize = 32;

/// The kinds of traced events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceEventKind {
    /// It sent a message.
    Send(TracedMessage),
    /// It took a message from its mailbox.
    Receive(TracedMessage),
    /// It waited in a host call.
    Call {
        /// The host function.
        name: String,
        /// How long, in µs.
        us: u64,
    },
    /// It spawned a process.
    Spawn {
        /// The new process.
        child: Pid,
        /// What it runs (`module.function`).
        runs: String,
    },
    /// It was linked to another process.
    Link {
        /// The other end.
        other: Pid,
    },
    /// A link of it was removed.
    Unlink {
        /// The other end.
        other: Pid,
    },
    /// It ended.
    Exit {
        /// Why.
        reason: ExitReason,
    },
}

/// Why a trace stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// It was asked to (`trace off`).
    Off,
    /// It reached its limit of events.
    Limit(u64),
    /// More events came in one second than its rate allows.
    Rate(u64),
    /// The traced process ended.
    Ended,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Off => f.write_str("turned off"),
            StopReason::Limit(n) => write!(f, "reached its limit of {n} events"),
            StopReason::Rate(n) => write!(f, "more than {n} events in one second"),
            StopReason::Ended => f.write_str("the process ended"),
        }
    }
}
