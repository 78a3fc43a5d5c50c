//! What a page and the server say over the websocket: JSON text frames, pids as the shell
//! writes them (`"<0.12>"`).
//!
//! The page sends `{"op": "view", ...}` (what it shows: [`View`]), `{"op": "rate", "ms": 250}`,
//! `{"op": "pause", "on": true}` and `{"op": "kill", "pid": "<0.7>"}`. The server sends
//! `hello` once, then `frame`s (the header when it changed and the page's window, a row
//! unchanged since the last frame as its bare pid) and `notice`s (what a kill did, errors).

use grain::Pid;
use serde::{Deserialize, Serialize};

/// The most rows a page may ask for at once.
pub const MAX_LIMIT: usize = 1_000;
/// The fastest and slowest rates a page may ask for (ms).
pub const RATES: (u64, u64) = (100, 30_000);

/// Which page a connection shows, and how.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct View {
    /// `processes`, `tree`, `events` or `detail`.
    pub page: String,
    /// The sort column's key ([`crate::Column::key`]).
    pub sort: String,
    /// Sort the other way than the column's own.
    pub invert: bool,
    /// Show only the rows (or events) matching this.
    pub filter: String,
    /// The first row of the window.
    pub offset: usize,
    /// How many rows (at most [`MAX_LIMIT`]).
    pub limit: usize,
    /// Folded tree nodes.
    pub folded: Vec<String>,
    /// The process of the detail page.
    pub pid: Option<String>,
}

impl Default for View {
    fn default() -> Self {
        View {
            page: "processes".into(),
            sort: "pid".into(),
            invert: false,
            filter: String::new(),
            offset: 0,
            limit: 100,
            folded: Vec::new(),
            pid: None,
        }
    }
}

/// A message from the page.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub(crate) enum ClientMsg {
    /// Show this.
    View(View),
    /// Send frames this often (ms).
    Rate { ms: u64 },
    /// Stop (or resume) sending frames.
    Pause { on: bool },
    /// Kill a process (only where changes are allowed).
    Kill { pid: String },
}

/// Parses a pid as the shell writes it.
pub(crate) fn pid(text: &str) -> Option<Pid> {
    text.trim().parse().ok()
}

/// One process as the table shows it: the terminal's cells, and what the page needs to
/// draw the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebRow {
    /// The pid (`<0.12>`).
    pub pid: String,
    /// Its first registered name (`#cache`).
    pub name: String,
    /// `module@version.function`.
    pub code: String,
    /// What it is doing (`running`, `receive`, `sleep`...).
    pub state: String,
    /// Fuel per second since the previous update.
    pub fuel_s: String,
    /// Fuel used in all.
    pub fuel: String,
    /// Memory held against its limit (`64KiB/16MiB`).
    pub mem: String,
    /// Queued messages.
    pub mbox: String,
    /// Restarts (empty for none).
    pub rst: String,
    /// The blocking host call it waits in, and since when (µs; the page counts from the
    /// header's `at_us`, so a waiting row does not change every frame).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<(String, u64)>,
    /// Its node's name, in a cluster.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub node: String,
    /// It (or the process it replaced) restarted within the last two seconds.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub flash: bool,
    /// The system monitor's last alert on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
}
