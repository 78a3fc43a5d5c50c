//! Incoming: one batch at a time, in the order NATS delivered them, judged by the pair's
//! session and applied under the peer's lock.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use super::frame::{self, Frame};
use super::node::{ClusterInner, Partial, PeerState};
use super::session::Inbound;
use crate::message::{DataMessage, Message};
use crate::observe::EventKind;
use crate::process::Signal;
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

impl ClusterInner {
    /// Handles one NATS message from the node's data subject. Never panics on its bytes.
    pub(crate) fn on_batch(&self, rt: &RuntimeInner, bytes: &[u8]) {
        let (header, frames) = match frame::decode(bytes) {
            Ok(decoded) => decoded,
            Err(e) => {
                self.counters.foreign.fetch_add(1, Relaxed);
                tracing::debug!("dropped a batch: {e}");
                return;
            }
        };
        if header.dst != self.id || header.src == self.id || header.src == 0 {
            self.counters.foreign.fetch_add(1, Relaxed);
            return;
        }
        let node = header.src;
        let peer = self.peer_or_new(node);
        let mut wake = false;
        // Kills wait until the peer's lock is released: a process ending at once tells
        // its remote links and monitors, which takes that lock again.
        let mut kills = Vec::new();
        {
            let mut st = peer.lock();
            let reset = match frames.first() {
                Some(Frame::Reset { want_reply }) => Some(*want_reply),
                _ => None,
            };
            match st.session.receive(&header, reset) {
                Inbound::Accept { fire, reply } => {
                    if reset.is_some() {
                        tracing::info!(
                            "node {node} opened a session (reset: fire {fire}, reply {reply})"
                        );
                    }
                    st.last_heard = Instant::now();
                    if !st.up {
                        wake |= self.mark_up(rt, &mut st, node);
                    }
                    if fire {
                        self.fire(rt, &mut st, node);
                    }
                    if reply {
                        st.session.restart(false);
                        wake = true;
                    }
                    for frame in frames {
                        match frame {
                            Frame::Kill { to, .. } => kills.push(to),
                            frame => wake |= self.apply(rt, &mut st, frame),
                        }
                    }
                }
                Inbound::Gap => {
                    self.counters.gaps.fetch_add(1, Relaxed);
                    tracing::warn!("frames from node {node} were lost: the pair breaks");
                    self.break_pair(rt, &mut st, node);
                    wake = true;
                }
                Inbound::Stale => {
                    self.counters.stale.fetch_add(1, Relaxed);
                    tracing::debug!("a batch of an old session of node {node} dropped");
                    // Our reset may have been lost: ask again, once in a while.
                    if st.up && st.last_break.elapsed() > self.config.down_after {
                        self.break_pair(rt, &mut st, node);
                        wake = true;
                    }
                }
                Inbound::Duplicate => {
                    self.counters.foreign.fetch_add(1, Relaxed);
                }
            }
        }
        for pid in kills {
            if let Some(cell) = rt.cell(pid) {
                rt.kill(&cell);
            }
        }
        if wake {
            self.wake_writer.notify_one();
        }
    }

    /// Applies one accepted frame; true when it queued an answer.
    fn apply(&self, rt: &RuntimeInner, st: &mut PeerState, frame: Frame) -> bool {
        match frame {
            Frame::Reset { .. } => false,
            Frame::Tick {
                sent_us,
                echo_us,
                held_us,
            } => {
                st.peer_tick = Some((sent_us, Instant::now()));
                if echo_us != 0 {
                    let rtt = self.now_us().saturating_sub(echo_us + held_us);
                    st.rtt_us = Some(rtt);
                }
                false
            }
            Frame::Message {
                from,
                to,
                tag,
                data,
            } => {
                self.deliver(rt, from, to, tag, data);
                false
            }
            Frame::Chunk {
                from,
                to,
                tag,
                more,
                data,
            } => {
                let partial = match st.partial.take() {
                    Some(p) if p.from == from && p.to == to && p.tag == tag => p,
                    _ => Partial {
                        from,
                        to,
                        tag,
                        data: Vec::new(),
                    },
                };
                let mut partial = partial;
                partial.data.extend_from_slice(&data);
                if more {
                    st.partial = Some(partial);
                } else {
                    self.deliver(rt, from, to, tag, partial.data);
                }
                false
            }
            Frame::Link { from, to, tag } => {
                let tag = (tag != 0).then_some(tag);
                let alive = rt.cell(to).filter(|cell| {
                    let mut rel = cell.relations();
                    if !rel.dead {
                        rel.links.insert(from, tag);
                    }
                    !rel.dead
                });
                match alive {
                    Some(cell) => {
                        st.related.insert(cell.pid);
                        rt.emit(to, EventKind::Linked { other: from });
                        false
                    }
                    None => {
                        st.session.push(&Frame::Exit {
                            from: to,
                            to: from,
                            reason: None,
                        });
                        true
                    }
                }
            }
            Frame::Unlink { from, to } => {
                if let Some(cell) = rt.cell(to)
                    && cell.relations().links.remove(&from).is_some()
                {
                    rt.emit(to, EventKind::Unlinked { other: from });
                }
                false
            }
            Frame::Exit { from, to, reason } => {
                if let Some(cell) = rt.cell(to) {
                    let tag = cell.relations().links.remove(&from);
                    if let Some(tag) = tag {
                        if let Some(reason) = &reason {
                            rt.remember_remote_exit(from, reason.clone());
                        }
                        if reason.as_ref().is_none_or(ExitReason::is_failure) {
                            cell.signal(Signal::LinkDied { pid: from, tag });
                        }
                    }
                }
                false
            }
            Frame::Monitor { watcher, target } => {
                let alive = rt.cell(target).filter(|cell| {
                    let mut rel = cell.relations();
                    if !rel.dead {
                        rel.monitored_by.insert(watcher);
                    }
                    !rel.dead
                });
                match alive {
                    Some(cell) => {
                        st.related.insert(cell.pid);
                        false
                    }
                    None => {
                        let reason = rt.exited_reason(target);
                        st.session.push(&Frame::Down {
                            target,
                            watcher,
                            reason,
                        });
                        true
                    }
                }
            }
            Frame::Demonitor { watcher, target } => {
                if let Some(cell) = rt.cell(target) {
                    cell.relations().monitored_by.remove(&watcher);
                }
                false
            }
            Frame::Down {
                target,
                watcher,
                reason,
            } => {
                if let Some(cell) = rt.cell(watcher)
                    && cell.relations().monitoring.remove(&target)
                {
                    if let Some(reason) = &reason {
                        rt.remember_remote_exit(target, reason.clone());
                    }
                    cell.deliver(Message::ProcessDied {
                        pid: target,
                        reason,
                    });
                }
                false
            }
            // Handled by the caller, outside the peer's lock.
            Frame::Kill { .. } => false,
        }
    }

    /// Puts a message from another node into a local mailbox (dropped if nobody is there).
    fn deliver(&self, rt: &RuntimeInner, from: Pid, to: Pid, tag: i64, data: Vec<u8>) {
        self.counters.received.fetch_add(1, Relaxed);
        if let Some(cell) = rt.cell(to) {
            let mut message = DataMessage::new(tag, data);
            message.sender = Some(from);
            cell.deliver(Message::Data(message));
        }
    }
}
