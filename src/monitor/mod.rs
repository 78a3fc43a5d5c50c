//! The system monitor, after Erlang's `erlang:system_monitor`: alerts when a process's
//! mailbox grows past a bound, its memory past a size, a supervisor restarts children in a
//! storm, or a host call stays blocked too long. An alert is an event on the data plane
//! ([`EventKind::Alert`]): the log writes it, the observer highlights it, the shell says it.
//!
//! A task looks at every process's stats slot each [`AlertConfig::interval`] (a few loads
//! per process, no locks), less often on a node so large that a look would take more than
//! 2% of the time; restart storms are counted as restarts are emitted. Each alert
//! fires once when its bound is crossed and again only after the process came back under
//! it (half the mailbox bound; a new host call).

mod check;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub(crate) use check::{AlertState, MonitorState, start_monitor};

/// What the system monitor watches for, and how often it looks. `None` turns one off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertConfig {
    /// A mailbox holding more messages than this.
    pub mailbox: Option<u64>,
    /// A process holding more memory (linear memory and queued messages) than this.
    pub memory: Option<u64>,
    /// A supervisor (or a guest acting as one) restarting this many children within the
    /// duration.
    pub restarts: Option<(u32, Duration)>,
    /// A host call other than a wait for messages or a sleep (network, compile, remote
    /// spawn) blocked longer than this.
    pub host_call: Option<Duration>,
    /// How often the processes are looked at; less often on a node so large that a look
    /// would take more than 2% of that time.
    pub interval: Duration,
}

impl Default for AlertConfig {
    /// 10,000 queued messages, 256 MiB, 10 restarts in 5 s, a host call blocked 10 s;
    /// looked at every 500 ms.
    fn default() -> Self {
        AlertConfig {
            mailbox: Some(10_000),
            memory: Some(256 << 20),
            restarts: Some((10, Duration::from_secs(5))),
            host_call: Some(Duration::from_secs(10)),
            interval: Duration::from_millis(500),
        }
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
pub enum Alert {
    /// Its mailbox holds `len` messages.
    Mailbox {
        /// Messages queued.
        len: u64,
        /// The bound.
        threshold: u64,
    },
    /// It holds `bytes` of memory.
    Memory {
        /// Its memory.
        bytes: u64,
        /// The bound.
        threshold: u64,
    },
    /// It restarted `restarts` children within `within_ms`.
    RestartStorm {
        /// Restarts in the window.
        restarts: u32,
        /// The window, in ms.
        within_ms: u64,
    },
    /// It has been in host call `call` for `ms`.
    HostCall {
        /// The host function.
        call: String,
        /// How long so far, in ms.
        ms: u64,
        /// The bound, in ms.
        threshold_ms: u64,
    },
}

impl Alert {
    /// The alert's short name: `mailbox`, `memory`, `restart_storm`, `host_call`.
    pub fn name(&self) -> &'static str {
        match self {
            Alert::Mailbox { .. } => "mailbox",
            Alert::Memory { .. } => "memory",
            Alert::RestartStorm { .. } => "restart_storm",
            Alert::HostCall { .. } => "host_call",
        }
    }

    /// What was seen and the bound it crossed, for the log's fields.
    pub fn observed(&self) -> (String, String) {
        use crate::quantity::bytes;
        match self {
            Alert::Mailbox { len, threshold } => (len.to_string(), threshold.to_string()),
            Alert::Memory {
                bytes: b,
                threshold,
            } => (bytes(*b), bytes(*threshold)),
            Alert::RestartStorm {
                restarts,
                within_ms,
            } => (restarts.to_string(), format!("{within_ms} ms")),
            Alert::HostCall {
                ms, threshold_ms, ..
            } => (format!("{ms} ms"), format!("{threshold_ms} ms")),
        }
    }
}

impl std::fmt::Display for Alert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::quantity::bytes;
        match self {
            Alert::Mailbox { len, threshold } => {
                write!(f, "mailbox of {len} messages (alert above {threshold})")
            }
            Alert::Memory {
                bytes: b,
                threshold,
            } => write!(
                f,
                "memory of {} (alert above {})",
                bytes(*b),
                bytes(*threshold)
            ),
            Alert::RestartStorm {
                restarts,
                within_ms,
            } => write!(
                f,
                "restart storm: {restarts} restarts within {within_ms} ms"
            ),
            Alert::HostCall {
                call,
                ms,
                threshold_ms,
            } => write!(
                f,
                "blocked in {call} for {ms} ms (alert above {threshold_ms} ms)"
            ),
        }
    }
}
