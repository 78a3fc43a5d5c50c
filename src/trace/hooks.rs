//! The traced points: where processes send, receive, wait, spawn, link and end. Each
//! checks the process's [`TraceSlot`](super::TraceSlot) byte first and builds its event
//! only when a trace wants it.

use super::{PREVIEW, TraceEventKind, TraceKinds, TracedMessage};
use crate::message::Message;
use crate::observe::{EventKind, HostCall};
use crate::process::ProcessCell;
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

/// A message as its trace event shows it; `peer` is the other end (for a send, the
/// receiver: the sender is the traced process).
fn traced(message: &Message, peer: Option<Pid>) -> TracedMessage {
    match message {
        Message::Data(data) => TracedMessage {
            peer: peer.or(data.sender),
            tag: data.tag.unwrap_or(0),
            size: data.buffer.len(),
            head: data.buffer[..data.buffer.len().min(PREVIEW)].to_vec(),
            notice: None,
        },
        Message::LinkDied { pid, tag } => TracedMessage {
            peer: Some(*pid),
            tag: tag.unwrap_or(0),
            size: 0,
            head: Vec::new(),
            notice: Some("link died".into()),
        },
        Message::ProcessDied { pid, .. } => TracedMessage {
            peer: Some(*pid),
            tag: 0,
            size: 0,
            head: Vec::new(),
            notice: Some("process died".into()),
        },
    }
}

impl ProcessCell {
    fn trace_now(&self) -> u64 {
        self.rt.upgrade().map_or(0, |rt| rt.now_us())
    }

    /// It sends `message` to `to`.
    #[inline]
    pub(crate) fn trace_send(&self, to: Pid, message: &Message) {
        if self.tracing.wants(TraceKinds::SEND) {
            let kind = TraceEventKind::Send(traced(message, Some(to)));
            self.tracing.record(self.pid, self.trace_now(), kind);
        }
    }

    /// It took `message` from its mailbox.
    #[inline]
    pub(crate) fn trace_receive(&self, message: &Message) {
        if self.tracing.wants(TraceKinds::RECEIVE) {
            let kind = TraceEventKind::Receive(traced(message, None));
            self.tracing.record(self.pid, self.trace_now(), kind);
        }
    }

    /// It parks in a host call (see [`ProcessCell::unpark`]).
    #[inline]
    pub(crate) fn trace_park(&self, call: HostCall) {
        if self.tracing.wants(TraceKinds::CALLS) {
            self.tracing.parked(call);
        }
    }

    /// It is back from the host call it was parked in: the stats say so, and a trace of
    /// its calls gets the call and how long it took (waits for messages show as their
    /// receive instead).
    #[inline]
    pub(crate) fn unpark(&self) {
        self.stats.leave();
        if self.tracing.wants(TraceKinds::CALLS)
            && let Some((call, us)) = self.tracing.unparked()
            && !matches!(call, HostCall::Receive | HostCall::SendReceive)
        {
            let name = call.name().to_owned();
            let kind = TraceEventKind::Call { name, us };
            self.tracing.record(self.pid, self.trace_now(), kind);
        }
    }
}

impl RuntimeInner {
    /// A new process: a trace of its module follows it.
    pub(crate) fn trace_adopt(&self, cell: &ProcessCell) {
        if !self.tracing.any() {
            return;
        }
        if let Some(module) = cell.module()
            && let Some(state) = self.tracing.of_module(module.name())
        {
            cell.tracing.attach(&state);
        }
    }

    /// A lifecycle event: spawns, links and unlinks of traced processes.
    pub(crate) fn trace_lifecycle(&self, pid: Pid, kind: &EventKind) {
        if !self.tracing.any() {
            return;
        }
        // Only a traced end costs more than a lookup: the event is built for it alone.
        let traced = |of: Pid| self.cell(of).filter(|c| c.tracing.wants(TraceKinds::SPAWN));
        let record =
            |cell: &ProcessCell, event| cell.tracing.record(cell.pid, self.now_us(), event);
        match kind {
            EventKind::Spawned {
                parent: Some(parent),
                module,
                function,
            } => {
                if let Some(cell) = traced(*parent) {
                    let runs = self.cell(pid).map_or_else(
                        || format!("{module}.{function}"),
                        |c| format!("{module}.{}", c.runs()),
                    );
                    record(&cell, TraceEventKind::Spawn { child: pid, runs });
                }
            }
            // A link is one event for both ends: each end's trace hears of it.
            EventKind::Linked { other } | EventKind::Unlinked { other } => {
                let linked = matches!(kind, EventKind::Linked { .. });
                for (end, other) in [(pid, *other), (*other, pid)] {
                    if let Some(cell) = traced(end) {
                        let event = if linked {
                            TraceEventKind::Link { other }
                        } else {
                            TraceEventKind::Unlink { other }
                        };
                        record(&cell, event);
                    }
                }
            }
            _ => {}
        }
    }

    /// A traced process ends: the last event of its trace. A trace of one pid stops.
    pub(crate) fn trace_exit(&self, cell: &ProcessCell, reason: &ExitReason) {
        let Some(id) = cell.tracing.trace_id() else {
            return;
        };
        if cell.tracing.wants(TraceKinds::EXITS) {
            let kind = TraceEventKind::Exit {
                reason: reason.clone(),
            };
            cell.tracing.record(cell.pid, self.now_us(), kind);
        }
        cell.tracing.detach(None);
        self.tracing.stop_pid_trace(id, cell.pid);
    }
}
