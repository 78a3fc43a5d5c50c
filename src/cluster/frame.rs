//! The wire format between nodes: a NATS message carries a *batch* of frames from one node
//! to another, numbered consecutively within the pair's session.
//!
//! ```text
//! batch  = "GRN1" src:u64 dst:u64 session:u64 first_seq:u64 count:u32 frame*
//! frame  = kind:u8 len:u32 body[len]
//! ```
//! All integers little-endian. A guest's message bytes travel as they are (grain never
//! re-encodes them; pids inside are the guest's data). Exit reasons, rare, are JSON.
//! Decoding never panics: a foreign or damaged batch is an error, dropped and counted.
//! (Public for tools and the fuzz target, not an API to build on.)

use crate::{ExitReason, Pid};

const MAGIC: &[u8; 4] = b"GRN1";
/// Bytes before the first frame.
pub const HEADER_LEN: usize = 4 + 8 * 4 + 4;
/// Bytes of a frame's kind and length.
pub const FRAME_OVERHEAD: usize = 5;

/// Who sent a batch to whom, and where it sits in the pair's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchHeader {
    /// The sending node.
    pub src: u64,
    /// The receiving node.
    pub dst: u64,
    /// The sender's session toward the receiver.
    pub session: u64,
    /// The sequence number of the first frame.
    pub first_seq: u64,
    /// How many frames follow.
    pub count: u32,
}

/// One frame: a message, a signal, or the pair's own bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "the fields are named for what they carry")]
pub enum Frame {
    /// A whole data message.
    Message {
        from: Pid,
        to: Pid,
        tag: i64,
        data: Vec<u8>,
    },
    /// Part of a message too large for one NATS message; the parts of one message are
    /// consecutive frames, the last with `more == false`.
    Chunk {
        from: Pid,
        to: Pid,
        tag: i64,
        more: bool,
        data: Vec<u8>,
    },
    Link {
        from: Pid,
        to: Pid,
        tag: i64,
    },
    Unlink {
        from: Pid,
        to: Pid,
    },
    /// `from` ended (or never existed: `reason` is `None`, Erlang's noproc); `to` was
    /// linked to it.
    Exit {
        from: Pid,
        to: Pid,
        reason: Option<ExitReason>,
    },
    Monitor {
        watcher: Pid,
        target: Pid,
    },
    Demonitor {
        watcher: Pid,
        target: Pid,
    },
    /// `target`, monitored by `watcher`, ended (`None`: it did not exist).
    Down {
        target: Pid,
        watcher: Pid,
        reason: Option<ExitReason>,
    },
    Kill {
        from: Pid,
        to: Pid,
    },
    /// The first frame of a new session. `want_reply`: the sender broke the pair and
    /// drops the receiver's old session until the receiver starts a new one too.
    Reset {
        want_reply: bool,
    },
    /// Sent to every peer each interval: a gap before it is found within one interval, and
    /// it carries what the peer needs to measure the round trip.
    Tick {
        sent_us: u64,
        echo_us: u64,
        held_us: u64,
    },
}

/// A batch that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// It does not start with grain's magic (a foreign publisher on the subject).
    #[error("not a grain batch (bad magic)")]
    Magic,
    /// It ends in the middle of something.
    #[error("truncated batch")]
    Truncated,
    /// A frame of an unknown kind.
    #[error("unknown frame kind {0}")]
    Kind(u8),
    /// An exit reason that is not valid JSON of grain's.
    #[error("bad exit reason: {0}")]
    Reason(String),
    /// The header counts more or fewer frames than the batch holds.
    #[error("the batch holds {found} frames, its header says {said}")]
    Count {
        /// What the header says.
        said: u32,
        /// What is there.
        found: u32,
    },
}

/// Reads little-endian fields off a slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        if self.0.len() < n {
            return Err(FrameError::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, FrameError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, FrameError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }

    fn u64(&mut self) -> Result<u64, FrameError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }

    fn pid(&mut self) -> Result<Pid, FrameError> {
        self.u64().map(Pid)
    }

    fn reason(&mut self) -> Result<Option<ExitReason>, FrameError> {
        let rest = std::mem::take(&mut self.0);
        if rest.is_empty() {
            return Ok(None);
        }
        serde_json::from_slice(rest)
            .map(Some)
            .map_err(|e| FrameError::Reason(e.to_string()))
    }
}

/// Decodes a batch: its header and its frames.
///
/// # Errors
/// When the bytes are not a well-formed grain batch.
pub fn decode(bytes: &[u8]) -> Result<(BatchHeader, Vec<Frame>), FrameError> {
    let mut r = Reader(bytes);
    if r.take(4).map_err(|_| FrameError::Magic)? != MAGIC {
        return Err(FrameError::Magic);
    }
    let header = BatchHeader {
        src: r.u64()?,
        dst: r.u64()?,
        session: r.u64()?,
        first_seq: r.u64()?,
        count: r.u32()?,
    };
    let mut frames = Vec::with_capacity(header.count.min(4096) as usize);
    while !r.0.is_empty() {
        let kind = r.u8()?;
        let len = r.u32()? as usize;
        let body = r.take(len)?;
        frames.push(decode_frame(kind, body)?);
    }
    if frames.len() != header.count as usize {
        return Err(FrameError::Count {
            said: header.count,
            found: frames.len() as u32,
        });
    }
    Ok((header, frames))
}

fn decode_frame(kind: u8, body: &[u8]) -> Result<Frame, FrameError> {
    let mut r = Reader(body);
    let frame = match kind {
        1 => Frame::Message {
            from: r.pid()?,
            to: r.pid()?,
            tag: r.u64()? as i64,
            data: std::mem::take(&mut r.0).to_vec(),
        },
        2 => Frame::Chunk {
            from: r.pid()?,
            to: r.pid()?,
            tag: r.u64()? as i64,
            more: r.u8()? != 0,
            data: std::mem::take(&mut r.0).to_vec(),
        },
        3 => Frame::Link {
            from: r.pid()?,
            to: r.pid()?,
            tag: r.u64()? as i64,
        },
        4 => Frame::Unlink {
            from: r.pid()?,
            to: r.pid()?,
        },
        5 => Frame::Exit {
            from: r.pid()?,
            to: r.pid()?,
            reason: r.reason()?,
        },
        6 => Frame::Monitor {
            watcher: r.pid()?,
            target: r.pid()?,
        },
        7 => Frame::Demonitor {
            watcher: r.pid()?,
            target: r.pid()?,
        },
        8 => Frame::Down {
            target: r.pid()?,
            watcher: r.pid()?,
            reason: r.reason()?,
        },
        9 => Frame::Kill {
            from: r.pid()?,
            to: r.pid()?,
        },
        10 => Frame::Reset {
            want_reply: r.u8()? != 0,
        },
        11 => Frame::Tick {
            sent_us: r.u64()?,
            echo_us: r.u64()?,
            held_us: r.u64()?,
        },
        other => return Err(FrameError::Kind(other)),
    };
    if !r.0.is_empty() {
        return Err(FrameError::Truncated);
    }
    Ok(frame)
}

/// Appends `frame` (kind, length, body) to `out`.
pub fn encode(frame: &Frame, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; FRAME_OVERHEAD]);
    let pids = |out: &mut Vec<u8>, a: Pid, b: Pid| {
        out.extend_from_slice(&a.0.to_le_bytes());
        out.extend_from_slice(&b.0.to_le_bytes());
    };
    let reason = |out: &mut Vec<u8>, reason: &Option<ExitReason>| {
        if let Some(reason) = reason {
            serde_json::to_writer(out, reason).expect("exit reasons serialize");
        }
    };
    let kind = match frame {
        Frame::Message {
            from,
            to,
            tag,
            data,
        } => {
            pids(out, *from, *to);
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(data);
            1
        }
        Frame::Chunk {
            from,
            to,
            tag,
            more,
            data,
        } => {
            pids(out, *from, *to);
            out.extend_from_slice(&tag.to_le_bytes());
            out.push(u8::from(*more));
            out.extend_from_slice(data);
            2
        }
        Frame::Link { from, to, tag } => {
            pids(out, *from, *to);
            out.extend_from_slice(&tag.to_le_bytes());
            3
        }
        Frame::Unlink { from, to } => {
            pids(out, *from, *to);
            4
        }
        Frame::Exit {
            from,
            to,
            reason: r,
        } => {
            pids(out, *from, *to);
            reason(out, r);
            5
        }
        Frame::Monitor { watcher, target } => {
            pids(out, *watcher, *target);
            6
        }
        Frame::Demonitor { watcher, target } => {
            pids(out, *watcher, *target);
            7
        }
        Frame::Down {
            target,
            watcher,
            reason: r,
        } => {
            pids(out, *target, *watcher);
            reason(out, r);
            8
        }
        Frame::Kill { from, to } => {
            pids(out, *from, *to);
            9
        }
        Frame::Reset { want_reply } => {
            out.push(u8::from(*want_reply));
            10
        }
        Frame::Tick {
            sent_us,
            echo_us,
            held_us,
        } => {
            for v in [sent_us, echo_us, held_us] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            11
        }
    };
    let len = (out.len() - start - FRAME_OVERHEAD) as u32;
    out[start] = kind;
    out[start + 1..start + FRAME_OVERHEAD].copy_from_slice(&len.to_le_bytes());
}

/// Writes a batch header into the first [`HEADER_LEN`] bytes of `out`.
pub fn write_header(header: &BatchHeader, out: &mut [u8]) {
    out[..4].copy_from_slice(MAGIC);
    let fields = [header.src, header.dst, header.session, header.first_seq];
    for (i, v) in fields.iter().enumerate() {
        out[4 + i * 8..12 + i * 8].copy_from_slice(&v.to_le_bytes());
    }
    out[36..40].copy_from_slice(&header.count.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(frames: &[Frame]) -> Vec<u8> {
        let mut out = vec![0; HEADER_LEN];
        for f in frames {
            encode(f, &mut out);
        }
        let header = BatchHeader {
            src: 1,
            dst: 2,
            session: 3,
            first_seq: 4,
            count: frames.len() as u32,
        };
        write_header(&header, &mut out);
        out
    }

    #[test]
    fn every_frame_comes_back_as_it_went() {
        let (a, b) = (Pid::new(1, 5), Pid::new(2, 9));
        let frames = vec![
            Frame::Message {
                from: a,
                to: b,
                tag: -3,
                data: b"hello".to_vec(),
            },
            Frame::Chunk {
                from: a,
                to: b,
                tag: 0,
                more: true,
                data: vec![7; 100],
            },
            Frame::Link {
                from: a,
                to: b,
                tag: 42,
            },
            Frame::Unlink { from: a, to: b },
            Frame::Exit {
                from: a,
                to: b,
                reason: Some(ExitReason::NoConnection),
            },
            Frame::Exit {
                from: a,
                to: b,
                reason: None,
            },
            Frame::Monitor {
                watcher: a,
                target: b,
            },
            Frame::Demonitor {
                watcher: a,
                target: b,
            },
            Frame::Down {
                target: b,
                watcher: a,
                reason: Some(ExitReason::Killed),
            },
            Frame::Kill { from: a, to: b },
            Frame::Reset { want_reply: true },
            Frame::Tick {
                sent_us: 1,
                echo_us: 2,
                held_us: 3,
            },
        ];
        let bytes = batch(&frames);
        let (header, back) = decode(&bytes).expect("decodes");
        assert_eq!(header.session, 3);
        assert_eq!(header.first_seq, 4);
        assert_eq!(back, frames);
    }

    #[test]
    fn foreign_and_damaged_batches_are_errors_not_panics() {
        assert_eq!(decode(b"hello world"), Err(FrameError::Magic));
        assert_eq!(decode(b""), Err(FrameError::Magic));
        let good = batch(&[Frame::Kill {
            from: Pid(1),
            to: Pid(2),
        }]);
        for cut in 4..good.len() {
            assert!(decode(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut lying = good.clone();
        lying[36] = 2;
        assert!(matches!(decode(&lying), Err(FrameError::Count { .. })));
        let mut unknown = good.clone();
        unknown[HEADER_LEN] = 200;
        assert_eq!(decode(&unknown), Err(FrameError::Kind(200)));
        let mut bad_reason = batch(&[Frame::Exit {
            from: Pid(1),
            to: Pid(2),
            reason: None,
        }]);
        bad_reason.extend_from_slice(b"{not json");
        let len = (bad_reason.len() - HEADER_LEN - FRAME_OVERHEAD) as u32;
        bad_reason[HEADER_LEN + 1..HEADER_LEN + 5].copy_from_slice(&len.to_le_bytes());
        assert!(matches!(decode(&bad_reason), Err(FrameError::Reason(_))));
    }
}
