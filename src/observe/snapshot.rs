//! What observers receive. Plain serde data: the same types cross the control socket.

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::{Event, HostCall, Status};
use crate::cluster::NodeStatus;
use crate::{ExitReason, Pid};

/// One row of the process table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessRow {
    /// The process.
    pub pid: Pid,
    /// Who spawned it.
    pub parent: Option<Pid>,
    /// Its registered names.
    pub names: Vec<String>,
    /// Its module's name.
    pub module: String,
    /// The version of the module it runs (`module@version`); 0 for a host process or a
    /// module not kept under a name.
    #[serde(default)]
    pub version: u32,
    /// Its entry function.
    pub function: String,
    /// What it is doing.
    pub status: Status,
    /// Fuel consumed so far (instructions).
    pub fuel_used: u64,
    /// Its fuel limit (instructions), if any.
    pub fuel_limit: Option<u64>,
    /// The memory it holds in bytes: its linear memory and its queued messages (what the
    /// shell's `ps` shows).
    pub memory_bytes: u64,
    /// The part of `memory_bytes` its queued messages take.
    #[serde(default)]
    pub mailbox_bytes: u64,
    /// Its memory limit in bytes, if any.
    pub memory_limit: Option<u64>,
    /// Queued messages.
    pub mailbox_len: usize,
    /// Messages delivered to it.
    pub messages_in: u64,
    /// Messages it sent.
    pub messages_out: u64,
    /// The blocking host call it is parked in, and since when (µs).
    pub host_call: Option<(HostCall, u64)>,
    /// Restarts: made by this supervisor, or of this child's slot before this incarnation.
    pub restarts: u32,
    /// Its links.
    pub links: Vec<Pid>,
    /// When it was spawned (µs since the runtime started).
    pub spawned_us: u64,
    /// Its id in its supervisor's child specs, when a supervisor started it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_id: Option<String>,
}

impl ProcessRow {
    /// The code it runs: `module@version`, or the bare module name of version 0.
    pub fn code(&self) -> String {
        crate::module::label(&self.module, self.version)
    }
}

/// Counters for the header of a view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Processes alive.
    pub alive: u64,
    /// Processes spawned since start.
    pub spawned: u64,
    /// Processes ended since start.
    pub exited: u64,
    /// Events dropped because the channel was full.
    pub dropped_events: u64,
    /// The memory every live process holds (linear memory and queued messages), over the
    /// whole node, not only the rows an observer was sent.
    #[serde(default)]
    pub memory_bytes: u64,
    /// The node's resident set (bytes; 0 where the platform does not say).
    #[serde(default)]
    pub rss_bytes: u64,
}

/// Everything an observer needs to draw from scratch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When (µs since the runtime started).
    pub at_us: u64,
    /// Live processes, by pid.
    pub processes: Vec<ProcessRow>,
    /// Recent events, oldest first (bounded).
    pub events: Vec<Event>,
    /// Recent exits with their reasons, oldest first (bounded).
    pub exits: Vec<(Pid, ExitReason)>,
    /// Counters.
    pub totals: Totals,
    /// The cluster the node is in (absent outside one, and from older nodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterView>,
}

/// The cluster as a node (or a watcher) sees it: every node, up or down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterView {
    /// The cluster's name.
    pub cluster: String,
    /// The node the view is from; `None` for a watcher, which is no node.
    pub this: Option<u64>,
    /// The wall clock when the view was taken (ms since the Unix epoch): what the nodes'
    /// `up_since_ms` and `down_since_ms` are read against.
    pub clock_ms: u64,
    /// Every node known, by id (a node down stays a while, with why).
    pub nodes: Vec<NodeStatus>,
}

/// What changed since the previous update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    /// When (µs since the runtime started).
    pub at_us: u64,
    /// Rows that are new or changed.
    pub changed: Vec<ProcessRow>,
    /// Processes that left the table.
    pub removed: Vec<Pid>,
    /// Events since the previous update.
    pub events: Vec<Event>,
    /// Counters.
    pub totals: Totals,
    /// The cluster, when a node in it changed (absent: as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterView>,
}

/// One message of the observer stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Update {
    /// The whole state (first message to a subscriber).
    Full(Snapshot),
    /// Changes since the previous update.
    Delta(Delta),
}

/// A subscription to a runtime's data plane.
#[derive(Debug)]
pub struct Observer {
    rx: mpsc::UnboundedReceiver<Update>,
}

impl Observer {
    pub(crate) fn new(rx: mpsc::UnboundedReceiver<Update>) -> Self {
        Observer { rx }
    }

    /// The next update; `None` once the runtime is gone.
    pub async fn next(&mut self) -> Option<Update> {
        self.rx.recv().await
    }

    /// An update if one is ready now.
    pub fn try_next(&mut self) -> Option<Update> {
        self.rx.try_recv().ok()
    }
}
