//! The runtime: one wasm engine, one linker, the process table, the registry and the
//! observer data plane.

mod api;
mod arena;
mod clock;
mod engine;
pub(crate) mod sched;
mod slots;
mod stdio;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use tokio::sync::mpsc;

pub use api::Runtime;
pub use stdio::{Capture, Environment, Output, Stdio};

use crate::Pid;
use crate::observe::{Event, EventKind, EventSink, Update};
use crate::process::{ProcessCell, ProcessState};
use crate::registry::Registry;

/// How many ended processes a runtime remembers (for `info` on a dead pid).
const REMEMBERED_EXITS: usize = 1_024;

/// The record of an ended process.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExitRecord {
    /// The process.
    pub pid: Pid,
    /// The code it ran: `name@version` of its module (`host` for a host process).
    pub module: String,
    /// Its entry function.
    pub function: String,
    /// Who spawned it.
    pub parent: Option<Pid>,
    /// Why it ended.
    pub reason: crate::ExitReason,
    /// The coredump it left, if it trapped on a node that keeps them.
    #[serde(default)]
    pub coredump: Option<std::path::PathBuf>,
    /// When (µs since the runtime started).
    pub at_us: u64,
}

/// Settings of a runtime.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// The most processes alive at once; a spawn beyond it fails with
    /// [`Error::ProcessLimit`](crate::Error::ProcessLimit).
    pub max_processes: usize,
    /// Standard streams of processes.
    pub stdio: Stdio,
    /// The most lifecycle events kept for observers between two deltas; events beyond it
    /// are counted as dropped (processes never wait for observers).
    pub event_capacity: usize,
    /// How often observers get a delta.
    pub observe_interval: Duration,
    /// How often a running guest yields to the scheduler (the epoch tick).
    pub time_slice: Duration,
    /// Count each process's compute in fuel (exact per-process figures and fuel limits).
    /// Without it guests run a little faster (see the book's performance page), fuel reads
    /// as 0 and a process with a fuel limit fails to spawn.
    pub count_fuel: bool,
    /// The most messages queued for one wasm process; a delivery beyond it ends the process
    /// with a `mailbox limit` trap (Erlang's `max_heap_size` does the same to a process whose
    /// queue outgrows it). `None` (the default) is unbounded, as in Erlang.
    pub max_mailbox: Option<usize>,
    /// The node's id in its cluster (0 outside one): the high bits of every pid it makes.
    /// [`cluster::join`](crate::cluster::join) sets it.
    pub node_id: u64,
    /// Where a process that traps leaves a wasm coredump (`grain run --coredump DIR`); at
    /// most [`MAX_COREDUMPS`](crate::process::coredump::MAX_COREDUMPS) per node. `None` (the
    /// default) keeps none, and traps cost no memory copy.
    pub coredump_dir: Option<std::path::PathBuf>,
    /// What the system monitor alerts on (`grain::monitor`).
    pub alerts: crate::monitor::AlertConfig,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            max_processes: 1 << 20,
            stdio: Stdio::default(),
            event_capacity: 65_536,
            observe_interval: Duration::from_millis(250),
            time_slice: Duration::from_millis(1),
            count_fuel: true,
            max_mailbox: None,
            node_id: 0,
            coredump_dir: None,
            alerts: crate::monitor::AlertConfig::default(),
        }
    }
}

pub(crate) struct RuntimeInner {
    pub(crate) engine: wasmtime::Engine,
    pub(crate) linker: wasmtime::Linker<ProcessState>,
    pub(crate) processes: DashMap<Pid, Arc<ProcessCell>>,
    pub(crate) next_pid: AtomicU64,
    pub(crate) next_module: AtomicU64,
    /// The modules loaded under names, every version of each.
    pub(crate) versions: crate::code::Versions,
    /// Upgrades asked for and not yet done, by pid.
    pub(crate) upgrades: crate::code::Upgrades,
    pub(crate) registry: Registry,
    pub(crate) events: EventSink,
    pub(crate) root_env: Arc<Environment>,
    pub(crate) next_env: AtomicU64,
    pub(crate) config: RuntimeConfig,
    pub(crate) started: Instant,
    /// `started` on the coarse clock.
    pub(crate) started_coarse_us: u64,
    pub(crate) spawned_total: AtomicU64,
    pub(crate) exited_total: AtomicU64,
    /// Exits whose every consequence (monitors, links, waiters) has happened.
    pub(crate) finished_total: AtomicU64,
    pub(crate) supervisors: DashMap<Pid, Arc<crate::supervisor::Shared>>,
    pub(crate) recent_exits: std::sync::Mutex<std::collections::VecDeque<ExitRecord>>,
    pub(crate) metrics: crate::metrics::Metrics,
    /// The runtime's own counts for `/metrics`.
    pub(crate) counters: crate::metrics::RuntimeCounters,
    /// The traces alive.
    pub(crate) tracing: crate::trace::Tracing,
    /// The system monitor's counts.
    pub(crate) monitor: crate::monitor::MonitorState,
    pub(crate) subscribe: mpsc::UnboundedSender<mpsc::UnboundedSender<Update>>,
    pub(crate) stop: Arc<AtomicBool>,
    /// Runs the wasm processes.
    pub(crate) sched: sched::Scheduler,
    /// The cluster layer, once the node has joined one.
    pub(crate) cluster: std::sync::OnceLock<Arc<crate::cluster::ClusterInner>>,
    /// Processes whose end ends the node (`grain run`'s root, an application's supervisor).
    pub(crate) essential: std::sync::Mutex<std::collections::HashSet<Pid>>,
    /// Coredumps written (see `process::coredump`).
    pub(crate) coredumps: std::sync::atomic::AtomicUsize,
}

impl RuntimeInner {
    /// µs since the runtime started.
    pub(crate) fn now_us(&self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    /// µs since the runtime started, on the coarse clock (off by up to a kernel tick; for
    /// stamps on hot paths).
    pub(crate) fn coarse_now_us(&self) -> u64 {
        clock::coarse_us().saturating_sub(self.started_coarse_us)
    }

    pub(crate) fn emit(&self, pid: Pid, kind: EventKind) {
        if let EventKind::Restarted { new, restarts, .. } = &kind {
            if let Some(child) = self.processes.get(new) {
                child.stats.set_restarts(*restarts);
            }
            if let Some(parent) = self.processes.get(&pid) {
                parent.stats.count_restart();
            }
        }
        let restarted = matches!(kind, EventKind::Restarted { .. });
        self.counters.event(&kind);
        self.trace_lifecycle(pid, &kind);
        let at_us = self.now_us();
        let event = Event { at_us, pid, kind };
        if matches!(event.kind, EventKind::Alert { .. }) {
            self.monitor.remember(&event);
        }
        self.events.emit(event);
        // After the restart's own event, so a storm's alert comes after the restart.
        if restarted {
            self.monitor_restart(pid, at_us);
        }
    }

    pub(crate) fn remember_exit(&self, cell: &ProcessCell, reason: &crate::ExitReason) {
        let mut exits = self.recent_exits.lock().expect("exits lock");
        if exits.len() == REMEMBERED_EXITS {
            exits.pop_front();
        }
        exits.push_back(ExitRecord {
            pid: cell.pid,
            module: cell.code(),
            function: cell.runs().to_owned(),
            parent: cell.parent,
            reason: reason.clone(),
            coredump: cell.coredump.get().cloned(),
            at_us: self.now_us(),
        });
    }

    pub(crate) fn cell(&self, pid: Pid) -> Option<Arc<ProcessCell>> {
        self.processes.get(&pid).map(|c| c.value().clone())
    }

    /// Does `pid` name a process of this node (alive or not)?
    pub(crate) fn is_local(&self, pid: Pid) -> bool {
        pid.node() == self.config.node_id
    }

    /// The cluster layer, if this node is in a cluster.
    pub(crate) fn cluster(&self) -> Option<&Arc<crate::cluster::ClusterInner>> {
        self.cluster.get()
    }

    /// Remembers how a process of another node ended, as its node said (or
    /// `noconnection` when its node went down), for `info` and the shell's notices.
    pub(crate) fn remember_remote_exit(&self, pid: Pid, reason: crate::ExitReason) {
        let mut exits = self.recent_exits.lock().expect("exits lock");
        if exits.len() == REMEMBERED_EXITS {
            exits.pop_front();
        }
        exits.push_back(ExitRecord {
            pid,
            module: "remote".into(),
            function: String::new(),
            parent: None,
            reason,
            coredump: None,
            at_us: self.now_us(),
        });
    }

    /// The record of a recently ended process.
    pub(crate) fn exited_record(&self, pid: Pid) -> Option<ExitRecord> {
        let exits = self.recent_exits.lock().expect("exits lock");
        exits.iter().rev().find(|r| r.pid == pid).cloned()
    }

    /// How a recently ended process ended.
    pub(crate) fn exited_reason(&self, pid: Pid) -> Option<crate::ExitReason> {
        self.exited_record(pid).map(|r| r.reason)
    }

    /// The node's counters.
    pub(crate) fn totals(&self) -> crate::observe::Totals {
        crate::observe::totals(self)
    }
}

impl Drop for RuntimeInner {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
