//! Outgoing: messages and signals for processes of other nodes, queued on the pair's
//! session under the peer's lock (so a frame's place in the stream and the relation it
//! records change together, and a pair breaking sees either both or neither).

use std::sync::Arc;

use super::frame::{FRAME_OVERHEAD, Frame, HEADER_LEN};
use super::node::{ClusterInner, PeerState, SendOutcome};
use crate::message::Message;
use crate::observe::EventKind;
use crate::process::{ProcessCell, Signal};
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

impl ClusterInner {
    /// Runs `f` on the session to `node` if that node is up and this one connected.
    ///
    /// A frame refused because this node lost NATS is a frame lost: the pair breaks (once
    /// per outage), so its links and monitors fire before anything newer can arrive, and
    /// the stream never has a hole its relations did not hear of.
    fn with_up_peer(
        &self,
        rt: &RuntimeInner,
        node: u64,
        f: impl FnOnce(&mut PeerState) -> bool,
    ) -> SendOutcome {
        let Some(peer) = self.peer(node) else {
            return SendOutcome::NoNode;
        };
        if let Some(lost) = self.conn.lost_at() {
            let mut st = peer.lock();
            if !st.up {
                return SendOutcome::NoNode;
            }
            if st.last_break < lost {
                self.break_pair(rt, &mut st, node);
            }
            return SendOutcome::Disconnected;
        }
        let queued = {
            let mut st = peer.lock();
            if !st.up {
                return SendOutcome::NoNode;
            }
            f(&mut st)
        };
        if queued {
            self.wake_writer.notify_one();
        }
        SendOutcome::Sent
    }

    /// Sends a data message (`tag` 0 = untagged) from `from` to `to` on another node.
    /// Larger than a NATS message, it goes in consecutive chunks.
    pub(crate) fn send(
        &self,
        rt: &RuntimeInner,
        from: Pid,
        to: Pid,
        tag: i64,
        data: Vec<u8>,
    ) -> SendOutcome {
        let chunk = self.max_batch - HEADER_LEN - FRAME_OVERHEAD - 64;
        let outcome = self.with_up_peer(rt, to.node(), |st| {
            if data.len() <= chunk {
                st.session.push(&Frame::Message {
                    from,
                    to,
                    tag,
                    data,
                });
            } else {
                let parts = data.len().div_ceil(chunk);
                for (i, part) in data.chunks(chunk).enumerate() {
                    st.session.push(&Frame::Chunk {
                        from,
                        to,
                        tag,
                        more: i + 1 < parts,
                        data: part.to_vec(),
                    });
                }
            }
            true
        });
        if outcome == SendOutcome::Sent {
            self.counters
                .sent
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        outcome
    }

    /// Links local process `a` to remote process `b`. If `b`'s node is not up, the link
    /// fails at once with `noconnection`; if `b` does not exist there, its node says so.
    pub(crate) fn link(&self, rt: &RuntimeInner, a: &Arc<ProcessCell>, b: Pid, tag: Option<i64>) {
        let outcome = self.with_up_peer(rt, b.node(), |st| {
            a.relations().links.insert(b, tag);
            st.related.insert(a.pid);
            st.session.push(&Frame::Link {
                from: a.pid,
                to: b,
                tag: tag.unwrap_or(0),
            });
            true
        });
        if outcome == SendOutcome::Sent {
            rt.emit(a.pid, EventKind::Linked { other: b });
        } else {
            rt.remember_remote_exit(b, ExitReason::NoConnection);
            a.signal(Signal::LinkDied { pid: b, tag });
        }
    }

    /// Removes the link between local `a` and remote `b`.
    pub(crate) fn unlink(&self, rt: &RuntimeInner, a: &ProcessCell, b: Pid) {
        self.with_up_peer(rt, b.node(), |st| {
            st.session.push(&Frame::Unlink { from: a.pid, to: b });
            true
        });
    }

    /// Local `watcher` monitors remote `target`.
    pub(crate) fn monitor(&self, rt: &RuntimeInner, watcher: &ProcessCell, target: Pid) {
        let outcome = self.with_up_peer(rt, target.node(), |st| {
            watcher.relations().monitoring.insert(target);
            st.related.insert(watcher.pid);
            st.session.push(&Frame::Monitor {
                watcher: watcher.pid,
                target,
            });
            true
        });
        if outcome != SendOutcome::Sent {
            rt.remember_remote_exit(target, ExitReason::NoConnection);
            watcher.deliver(Message::ProcessDied {
                pid: target,
                reason: Some(ExitReason::NoConnection),
            });
        }
    }

    /// Local `watcher` stops monitoring remote `target`.
    pub(crate) fn demonitor(&self, rt: &RuntimeInner, watcher: Pid, target: Pid) {
        self.with_up_peer(rt, target.node(), |st| {
            st.session.push(&Frame::Demonitor { watcher, target });
            true
        });
    }

    /// Kills remote process `to`; false if its node is not up.
    pub(crate) fn kill(&self, rt: &RuntimeInner, from: Pid, to: Pid) -> bool {
        let outcome = self.with_up_peer(rt, to.node(), |st| {
            st.session.push(&Frame::Kill { from, to });
            true
        });
        outcome == SendOutcome::Sent
    }

    /// Local `from` ended (or never was: `reason` `None`); tells remote `to`, linked to it.
    pub(crate) fn exit_notice(
        &self,
        rt: &RuntimeInner,
        from: Pid,
        to: Pid,
        reason: Option<&ExitReason>,
    ) {
        self.with_up_peer(rt, to.node(), |st| {
            st.session.push(&Frame::Exit {
                from,
                to,
                reason: reason.cloned(),
            });
            true
        });
    }

    /// Local `target` ended (or never was); tells remote `watcher`, which monitored it.
    pub(crate) fn down_notice(
        &self,
        rt: &RuntimeInner,
        target: Pid,
        watcher: Pid,
        reason: Option<&ExitReason>,
    ) {
        self.with_up_peer(rt, watcher.node(), |st| {
            st.session.push(&Frame::Down {
                target,
                watcher,
                reason: reason.cloned(),
            });
            true
        });
    }
}
