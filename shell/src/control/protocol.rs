//! The messages of the control protocol: one JSON object per line each way.

use grain::Pid;
use grain::observe::{Delta, Update};
use serde::{Deserialize, Serialize};

/// The most process rows in one line: a larger snapshot is sent as a `Full` with the first
/// rows, then deltas carrying the rest.
pub const PAGE: usize = 2_048;

/// What a client asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// The first line of every connection (the token is required over TCP).
    Hello {
        /// The node's token.
        token: Option<String>,
    },
    /// Stream the data plane: a snapshot, then deltas. The connection carries nothing else.
    Subscribe,
    /// Evaluate a shell line in this connection's shell session.
    Eval {
        /// The line.
        line: String,
        /// Answer in JSON values, one per line (`grain shell --attach --json`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        json: bool,
    },
    /// Kill a process.
    Kill {
        /// Which.
        pid: Pid,
    },
    /// Describe a process as `info` does, without opening a shell session on the node.
    Info {
        /// Which.
        pid: Pid,
    },
    /// Start (`on`) or stop this connection's trace of a process (one at a time, with
    /// the shell's rails), without opening a shell session.
    Trace {
        /// Which.
        pid: Pid,
        /// Start or stop.
        on: bool,
    },
    /// The lines of this connection's trace since the last ask.
    TraceLines,
}

/// What the node answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "re", rename_all = "snake_case")]
pub enum Response {
    /// Hello accepted.
    Welcome {
        /// The node's control address.
        node: String,
        /// May this connection change the node?
        changes: bool,
    },
    /// The connection is refused; it closes.
    Refused {
        /// Why.
        reason: String,
    },
    /// One update of the data plane.
    Update {
        /// The update.
        update: Update,
    },
    /// The answer to `TraceLines`.
    Trace {
        /// The events and, last, the line saying the trace stopped.
        lines: Vec<String>,
        /// Did the trace stop (or was there none)?
        stopped: bool,
    },
    /// The answer to `Eval` or `Kill`.
    Reply {
        /// What the shell printed (or the error, with its caret).
        text: String,
        /// Did it succeed?
        ok: bool,
        /// Did the line ask to quit?
        quit: bool,
    },
}

/// Decodes one request line; the error says what is wrong with it.
///
/// # Errors
/// When the line is not a request.
pub fn decode_request(line: &[u8]) -> Result<Request, String> {
    serde_json::from_slice(line).map_err(|e| format!("bad request: {e}"))
}

/// Splits an update into lines of at most [`PAGE`] rows.
pub fn paged(update: Update) -> Vec<Update> {
    let Update::Full(mut full) = update else {
        return vec![update];
    };
    if full.processes.len() <= PAGE {
        return vec![Update::Full(full)];
    }
    let rest = full.processes.split_off(PAGE);
    let (at_us, totals) = (full.at_us, full.totals.clone());
    let mut out = vec![Update::Full(full)];
    for chunk in rest.chunks(PAGE) {
        out.push(Update::Delta(Delta {
            at_us,
            changed: chunk.to_vec(),
            removed: Vec::new(),
            events: Vec::new(),
            totals: totals.clone(),
            cluster: None,
        }));
    }
    out
}
