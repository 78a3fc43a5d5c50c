//! The ordered, exactly-once stream from this node to one peer, and the check of the
//! stream from that peer: per pair of nodes a *session* with consecutive sequence numbers.
//!
//! NATS delivers one publisher's messages in order, at most once: it can drop (a slow
//! consumer, a reconnect, a server restart) but never duplicates or reorders. So a receiver
//! that sees every sequence number in turn has the whole stream; a gap means something was
//! lost, and the pair is *broken*: both sides fire every link and monitor between them with
//! `noconnection`, and start new sessions. Nothing is retried, so nothing arrives twice.
//!
//! Breaking, for one side: fire, stop accepting the peer's current session, and open a new
//! outgoing session whose first frame is `Reset { want_reply: true }`. A peer that receives
//! such a reset while it still accepted a session fires too; either way it accepts the new
//! session and answers with a session of its own starting with `Reset { want_reply: false }`
//! (which never fires anything). Frames of a session no longer accepted are dropped.

use std::collections::VecDeque;

use super::frame::{self, BatchHeader, FRAME_OVERHEAD, Frame, HEADER_LEN};

/// What to do with a batch that arrived from the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inbound {
    /// Deliver its frames (a leading reset frame is bookkeeping only). `fire`: the peer
    /// broke the pair, so fire every relation with it first; `reply`: open a new outgoing
    /// session answering its reset.
    Accept { fire: bool, reply: bool },
    /// Frames are missing before this batch: break the pair.
    Gap,
    /// A batch of a session no longer (or not yet) accepted: drop it.
    Stale,
    /// Frames already seen (NATS never duplicates: a foreign or replayed batch).
    Duplicate,
}

/// Both directions of a pair of nodes.
#[derive(Debug)]
pub(crate) struct Session {
    local: u64,
    peer: u64,
    max_batch: usize,
    out_session: u64,
    out_seq: u64,
    /// The peer's session we accept, and the next sequence number expected in it.
    accepted: Option<(u64, u64)>,
    /// Sealed batches waiting for the writer, headers written.
    ready: VecDeque<Vec<u8>>,
    /// The batch being filled: its bytes (header space first), first seq and frame count.
    current: Vec<u8>,
    current_first: u64,
    current_count: u32,
}

impl Session {
    /// A session from `local` to `peer`, opened with a reset that asks for one in return.
    /// Batches stay under `max_batch` bytes unless a single frame is larger.
    pub(crate) fn new(local: u64, peer: u64, max_batch: usize) -> Self {
        let mut s = Session {
            local,
            peer,
            max_batch,
            out_session: 0,
            out_seq: 0,
            accepted: None,
            ready: VecDeque::new(),
            current: Vec::new(),
            current_first: 0,
            current_count: 0,
        };
        s.restart(true);
        s
    }

    /// Is a session of the peer's accepted (a stream is open from it)?
    #[cfg(test)]
    pub(crate) fn accepting(&self) -> bool {
        self.accepted.is_some()
    }

    /// Opens a new outgoing session starting with a reset; what was not yet written is
    /// dropped (the pair broke, or the peer asked). Stops accepting the peer's session when
    /// `want_reply` (this side broke the pair).
    pub(crate) fn restart(&mut self, want_reply: bool) {
        if want_reply {
            self.accepted = None;
        }
        self.out_session += 1;
        self.out_seq = 0;
        self.ready.clear();
        self.current.clear();
        self.current_count = 0;
        self.push(&Frame::Reset { want_reply });
    }

    /// Queues a frame for the peer.
    pub(crate) fn push(&mut self, frame: &Frame) {
        let hint = match frame {
            Frame::Message { data, .. } | Frame::Chunk { data, .. } => data.len() + 32,
            _ => 64,
        };
        if self.current_count > 0 && self.current.len() + FRAME_OVERHEAD + hint > self.max_batch {
            self.seal();
        }
        if self.current.is_empty() {
            self.current.resize(HEADER_LEN, 0);
            self.current_first = self.out_seq;
        }
        frame::encode(frame, &mut self.current);
        self.current_count += 1;
        self.out_seq += 1;
    }

    fn seal(&mut self) {
        if self.current_count == 0 {
            return;
        }
        let header = BatchHeader {
            src: self.local,
            dst: self.peer,
            session: self.out_session,
            first_seq: self.current_first,
            count: self.current_count,
        };
        let mut batch = std::mem::take(&mut self.current);
        frame::write_header(&header, &mut batch);
        self.current_count = 0;
        self.ready.push_back(batch);
    }

    /// Everything queued, as batches to publish in order.
    pub(crate) fn take(&mut self) -> VecDeque<Vec<u8>> {
        self.seal();
        std::mem::take(&mut self.ready)
    }

    /// Is anything waiting for the writer?
    pub(crate) fn has_output(&self) -> bool {
        self.current_count > 0 || !self.ready.is_empty()
    }

    /// Judges a batch from the peer; `reset` is the `want_reply` of its first frame if
    /// that frame is a reset. Accepting advances the expected sequence number.
    pub(crate) fn receive(&mut self, header: &BatchHeader, reset: Option<bool>) -> Inbound {
        let next = header.first_seq + u64::from(header.count);
        match (self.accepted, reset) {
            (Some((session, expected)), _) if session == header.session => {
                if header.first_seq == expected {
                    self.accepted = Some((session, next));
                    Inbound::Accept {
                        fire: false,
                        reply: false,
                    }
                } else if header.first_seq > expected {
                    Inbound::Gap
                } else {
                    Inbound::Duplicate
                }
            }
            (was, Some(want_reply)) if header.first_seq == 0 => {
                self.accepted = Some((header.session, next));
                Inbound::Accept {
                    fire: want_reply && was.is_some(),
                    reply: want_reply,
                }
            }
            // Another session without a reset opening it: its reset was lost.
            (Some(_), _) => Inbound::Gap,
            (None, _) => Inbound::Stale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pid;

    fn msg(n: u8) -> Frame {
        Frame::Message {
            from: Pid::new(1, 1),
            to: Pid::new(2, 1),
            tag: 0,
            data: vec![n],
        }
    }

    /// Carries every batch from one side to the other (or loses those `lose` picks) and
    /// returns the verdicts and the delivered message bytes.
    fn carry(
        from: &mut Session,
        to: &mut Session,
        lose: impl Fn(usize) -> bool,
    ) -> (Vec<Inbound>, Vec<u8>) {
        let (mut verdicts, mut got) = (Vec::new(), Vec::new());
        for (i, batch) in from.take().into_iter().enumerate() {
            if lose(i) {
                continue;
            }
            let (header, frames) = frame::decode(&batch).expect("decodes");
            let reset = match frames.first() {
                Some(Frame::Reset { want_reply }) => Some(*want_reply),
                _ => None,
            };
            let verdict = to.receive(&header, reset);
            if let Inbound::Accept { reply, .. } = verdict {
                if reply {
                    to.restart(false);
                }
                for f in frames {
                    if let Frame::Message { data, .. } = f {
                        got.extend(data);
                    }
                }
            }
            verdicts.push(verdict);
        }
        (verdicts, got)
    }

    fn pair() -> (Session, Session) {
        let (mut a, mut b) = (Session::new(1, 2, 1 << 20), Session::new(2, 1, 1 << 20));
        carry(&mut a, &mut b, |_| false);
        carry(&mut b, &mut a, |_| false);
        carry(&mut a, &mut b, |_| false);
        assert!(a.accepting() && b.accepting());
        (a, b)
    }

    #[test]
    fn two_fresh_sides_open_without_firing_anything() {
        let (mut a, mut b) = (Session::new(1, 2, 1 << 20), Session::new(2, 1, 1 << 20));
        let (v, _) = carry(&mut a, &mut b, |_| false);
        assert_eq!(
            v,
            [Inbound::Accept {
                fire: false,
                reply: true
            }]
        );
        let (v, _) = carry(&mut b, &mut a, |_| false);
        assert_eq!(
            v,
            [Inbound::Accept {
                fire: false,
                reply: false
            }]
        );
    }

    #[test]
    fn frames_arrive_in_order_across_batches() {
        let (mut a, mut b) = pair();
        let mut small = Session::new(1, 2, 200);
        let mut small_b = Session::new(2, 1, 1 << 20);
        for n in 0..50 {
            small.push(&msg(n));
            a.push(&msg(n));
        }
        let (v, got) = carry(&mut small, &mut small_b, |_| false);
        assert!(v.len() > 5, "small batches: {}", v.len());
        assert_eq!(got, (0..50).collect::<Vec<u8>>());
        let (_, got) = carry(&mut a, &mut b, |_| false);
        assert_eq!(got, (0..50).collect::<Vec<u8>>());
    }

    #[test]
    fn a_lost_batch_is_a_gap_and_both_sides_recover_with_new_sessions() {
        let (mut a, mut b) = pair();
        for n in 0..3 {
            a.push(&msg(n));
            a.take().into_iter().for_each(|batch| {
                if n == 1 {
                    return; // lost
                }
                let (h, _) = frame::decode(&batch).unwrap();
                let verdict = b.receive(&h, None);
                if n == 2 {
                    assert_eq!(verdict, Inbound::Gap);
                }
            });
        }
        // b breaks: it drops a's session and asks for a new one.
        b.restart(true);
        a.push(&msg(9));
        let (v, _) = carry(&mut a, &mut b, |_| false);
        assert_eq!(v, [Inbound::Stale]);
        let (v, _) = carry(&mut b, &mut a, |_| false);
        assert_eq!(
            v,
            [Inbound::Accept {
                fire: true,
                reply: true
            }]
        );
        a.push(&msg(10));
        let (v, got) = carry(&mut a, &mut b, |_| false);
        assert_eq!(
            v,
            [Inbound::Accept {
                fire: false,
                reply: false
            }]
        );
        assert_eq!(got, [10]);
    }

    #[test]
    fn both_sides_breaking_at_once_fire_nothing_more() {
        let (mut a, mut b) = pair();
        a.restart(true);
        b.restart(true);
        let (va, _) = carry(&mut a, &mut b, |_| false);
        let (vb, _) = carry(&mut b, &mut a, |_| false);
        for v in [va, vb] {
            assert!(
                v.iter()
                    .all(|v| !matches!(v, Inbound::Accept { fire: true, .. })),
                "{v:?}"
            );
        }
        carry(&mut a, &mut b, |_| false);
        assert!(a.accepting() && b.accepting());
    }

    #[test]
    fn a_lost_reset_is_found_as_a_gap() {
        let (mut a, mut b) = pair();
        a.restart(false);
        a.push(&msg(1));
        let (v, _) = carry(&mut a, &mut b, |i| i == 0);
        assert_eq!(v, [] as [Inbound; 0], "one batch, lost");
        a.push(&msg(2));
        let (v, _) = carry(&mut a, &mut b, |_| false);
        assert_eq!(v, [Inbound::Gap]);
    }
}
