//! The observer's model: the live table, the history to scrub through, and the view state.

use std::collections::{HashSet, VecDeque};

use grain::Pid;
use grain::observe::{ProcessRow, Status};

pub use crate::column::Column;
pub use crate::events::EventsView;
pub use crate::order::{compare, passes};
use crate::table::{History, Table};

/// The views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The process table.
    Processes,
    /// The supervision and spawn trees.
    Tree,
    /// The event log.
    Events,
    /// The cluster's nodes and their ups and downs.
    Cluster,
}

/// A line being typed at the bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `/`: jump to the next matching row.
    Search(String),
    /// `\`: show only matching rows.
    Filter(String),
}

/// Everything the observer shows.
#[derive(Debug, Clone)]
pub struct Model {
    /// What the observer watches (shown in the header).
    pub title: String,
    /// The node now.
    pub live: Table,
    /// Recent updates, for pause and scrub.
    pub history: History,
    /// The moment shown while paused or scrubbing (an index into the history).
    pub scrub: Option<usize>,
    /// The table at the scrub point.
    pub frozen: Option<Table>,
    /// The current view.
    pub tab: Tab,
    /// The process whose detail is open.
    pub detail: Option<Pid>,
    /// What the node said about that process (`info`).
    pub detail_text: String,
    /// The sort column.
    pub sort: Column,
    /// Sort the other way than the column's own (biggest first for a resource,
    /// ascending for pids and names).
    pub invert: bool,
    /// The filter (`\`).
    pub filter: String,
    /// The last search (`/`).
    pub search: String,
    /// A search or filter being typed.
    pub input: Option<Input>,
    /// The selected row.
    pub selected: usize,
    /// A kill waiting for confirmation.
    pub confirm_kill: Option<Pid>,
    /// The help overlay is open.
    pub help: bool,
    /// Folded tree nodes.
    pub folded: HashSet<Pid>,
    /// The last notice (kill results, errors).
    pub notice: String,
    /// Host CPU use (percent) and memory (used, total bytes).
    pub host: Option<(f32, u64, u64)>,
    /// The rows of the current view, in display order, with their tree depth.
    pub order: Vec<(Pid, usize)>,
    /// The rows of `order` that are remote links drawn under their process in the tree
    /// (the pid is the linked process, on another node).
    pub link_rows: HashSet<usize>,
    /// The node is gone (the stream ended).
    pub ended: bool,
    /// The connection may only look (a read-only attach, a cluster watcher): no kill.
    pub look_only: bool,
    /// The node is a recording being played back.
    pub replay: bool,
    /// How long since the node's last update (ms): over [`BEHIND_MS`] the header says
    /// the data is behind.
    pub quiet_ms: u64,
    /// The tree's branch lines (`├─ `, `└─ `, `│  `), one per row of `order` (tree view).
    pub branches: Vec<String>,
    /// The event log's scroll, search and filter.
    pub events: EventsView,
    /// What the node said about the detail's process, with the moment (µs) it was asked:
    /// a paused detail shows what was said at or before the paused moment.
    pub infos: VecDeque<(u64, String)>,
    /// The trace pane: the process traced and what its trace said, newest last.
    pub trace: TracePane,
}

/// The observer's trace of one process (`T`), with the shell's rails.
#[derive(Debug, Clone, Default)]
pub struct TracePane {
    /// The process traced now (`None` once the trace stopped or was stopped).
    pub pid: Option<Pid>,
    /// The process the lines are of.
    pub of: Option<Pid>,
    /// The trace's lines, oldest first (at most [`TracePane::KEPT`]).
    pub lines: VecDeque<String>,
}

impl TracePane {
    /// How many lines the pane keeps.
    pub const KEPT: usize = 500;

    /// Adds lines; the oldest go past [`TracePane::KEPT`].
    pub fn push(&mut self, lines: Vec<String>) {
        self.lines.extend(lines);
        while self.lines.len() > Self::KEPT {
            self.lines.pop_front();
        }
    }
}

/// How long without an update before the header says the data is behind (ms).
pub const BEHIND_MS: u64 = 2_000;

impl Model {
    /// An empty model titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        Model {
            title: title.into(),
            live: Table::default(),
            history: History::new(2_400),
            scrub: None,
            frozen: None,
            tab: Tab::Processes,
            detail: None,
            detail_text: String::new(),
            sort: Column::Pid,
            invert: false,
            filter: String::new(),
            search: String::new(),
            input: None,
            selected: 0,
            confirm_kill: None,
            help: false,
            folded: HashSet::new(),
            notice: String::new(),
            host: None,
            order: Vec::new(),
            link_rows: HashSet::new(),
            ended: false,
            look_only: false,
            replay: false,
            quiet_ms: 0,
            branches: Vec::new(),
            events: EventsView::default(),
            infos: VecDeque::new(),
            trace: TracePane::default(),
        }
    }

    /// The table on screen: the scrub point, or the live one.
    pub fn shown(&self) -> &Table {
        self.frozen.as_ref().unwrap_or(&self.live)
    }

    /// The selected process, if any.
    pub fn selected_pid(&self) -> Option<Pid> {
        self.order.get(self.selected).map(|(p, _)| *p)
    }

    /// Recomputes the display order after data, sort, filter or fold changed.
    pub fn reorder(&mut self) {
        let keep = self.selected_pid();
        let table = self.frozen.as_ref().unwrap_or(&self.live);
        let rows: Vec<&ProcessRow> = table
            .rows
            .values()
            .filter(|r| passes(table, r, &self.filter))
            .collect();
        self.link_rows.clear();
        self.branches.clear();
        self.order = match self.tab {
            Tab::Tree => {
                crate::tree::order(&rows, &self.folded, &mut self.link_rows, &mut self.branches)
            }
            _ => {
                let mut rows = rows;
                rows.sort_by(|a, b| compare(table, self.sort, self.invert, a, b));
                rows.iter().map(|r| (r.pid, 0)).collect()
            }
        };
        if let Some(pid) = keep
            && let Some(i) = self.order.iter().position(|(p, _)| *p == pid)
        {
            self.selected = i;
        }
        self.selected = self.selected.min(self.order.len().saturating_sub(1));
    }
}

/// A row's state as shown: the host call it waits in, if any.
pub fn state(row: &ProcessRow) -> &'static str {
    match (row.status, row.host_call) {
        (Status::Waiting, Some((call, _))) => match call {
            grain::observe::HostCall::Receive | grain::observe::HostCall::SendReceive => "receive",
            grain::observe::HostCall::Sleep => "sleep",
            grain::observe::HostCall::CompileModule => "compile",
            grain::observe::HostCall::Network => "network",
            grain::observe::HostCall::RemoteSpawn => "spawn",
            grain::observe::HostCall::Handoff => "handoff",
        },
        (Status::Waiting, None) => "waiting",
        (Status::Starting, _) => "starting",
        (Status::Running, _) => "running",
        (Status::Exited, _) => "exited",
    }
}

/// Does the row mention `needle` (pid, names, module, function or state), ignoring ASCII
/// case? Allocates only for a needle with a dot (module.function), an @ (module@version) or
/// made of digits (pid).
pub fn matches(row: &ProcessRow, needle: &str) -> bool {
    if needle
        .bytes()
        .all(|b| b.is_ascii_digit() || b"<.>".contains(&b))
        && row.pid.to_string().contains(needle)
    {
        return true;
    }
    row.names.iter().any(|n| contains(n, needle))
        || contains(&row.module, needle)
        || contains(&row.function, needle)
        || contains(state(row), needle)
        || (needle.contains('@') && contains(&row.code(), needle))
        || (needle.contains('.') && contains(&format!("{}.{}", row.code(), row.function), needle))
}

pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    let n = needle.len();
    n == 0
        || hay
            .as_bytes()
            .windows(n)
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}
