//! Messages: what travels between processes.

use crate::module::Module;
use crate::{ExitReason, Pid};

/// A resource moved inside a message (`push_*` / `take_*`).
#[derive(Clone)]
pub enum Resource {
    /// A compiled module.
    Module(Module),
    /// A TCP stream.
    TcpStream(std::sync::Arc<crate::host::TcpConnection>),
    /// A TLS stream.
    TlsStream(std::sync::Arc<crate::host::TlsConnection>),
    /// A UDP socket.
    UdpSocket(std::sync::Arc<tokio::net::UdpSocket>),
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resource::Module(m) => write!(f, "Module({})", m.name()),
            Resource::TcpStream(_) => write!(f, "TcpStream"),
            Resource::TlsStream(_) => write!(f, "TlsStream"),
            Resource::UdpSocket(_) => write!(f, "UdpSocket"),
        }
    }
}

/// A message in a mailbox or a process's scratch slot.
#[derive(Debug)]
pub enum Message {
    /// Bytes (and resources) sent by a process or by the host.
    Data(DataMessage),
    /// A linked process failed and the receiver traps link deaths.
    LinkDied {
        /// The process that died.
        pid: Pid,
        /// The tag of the link (`None` for an untagged link).
        tag: Option<i64>,
    },
    /// A monitored process ended (for any reason).
    ProcessDied {
        /// The process that ended.
        pid: Pid,
        /// Why; `None` when it had already ended when the monitor was set (Erlang's
        /// `noproc`). Guests do not see it; host processes (supervisors, the shell) do.
        reason: Option<ExitReason>,
    },
}

impl Message {
    /// The host memory it takes while queued: its own size and its payload's.
    pub fn queued_bytes(&self) -> usize {
        std::mem::size_of::<Message>()
            + match self {
                Message::Data(data) => data.buffer.capacity(),
                Message::LinkDied { .. } | Message::ProcessDied { .. } => 0,
            }
    }

    /// The tag selective receive matches on. Process-died notices carry none.
    pub fn tag(&self) -> Option<i64> {
        match self {
            Message::Data(data) => data.tag,
            Message::LinkDied { tag, .. } => *tag,
            Message::ProcessDied { .. } => None,
        }
    }

    /// What `lunatic::message::receive` returns for this message.
    pub fn kind_code(&self) -> u32 {
        match self {
            Message::Data(_) => 0,
            Message::LinkDied { .. } => 1,
            Message::ProcessDied { .. } => 2,
        }
    }

    /// Does this message match a selective receive on `tags` (`None` matches everything)?
    pub fn matches(&self, tags: Option<&[i64]>) -> bool {
        match tags {
            None => true,
            Some(tags) => self.tag().is_some_and(|t| tags.contains(&t)),
        }
    }
}

/// A data message: a tag, a byte buffer with a read cursor, and resources.
#[derive(Debug, Default)]
pub struct DataMessage {
    /// The tag; `None` when the sender used tag 0.
    pub tag: Option<i64>,
    /// The payload.
    pub buffer: Vec<u8>,
    /// Where the next `read_data` starts.
    pub read_ptr: usize,
    /// Resources moved with the message; taking one leaves `None`.
    pub resources: Vec<Option<Resource>>,
    /// The sending process, if a process sent it (the shell and timers count as senders too).
    pub sender: Option<Pid>,
}

impl DataMessage {
    /// A message with the given tag (0 = untagged) and payload.
    pub fn new(tag: i64, buffer: Vec<u8>) -> Self {
        DataMessage {
            tag: (tag != 0).then_some(tag),
            buffer,
            ..DataMessage::default()
        }
    }

    /// Copies as many unread bytes as fit into `out`, advancing the cursor.
    pub fn read(&mut self, out: &mut [u8]) -> usize {
        let rest = self.buffer.get(self.read_ptr..).unwrap_or_default();
        let n = rest.len().min(out.len());
        out[..n].copy_from_slice(&rest[..n]);
        self.read_ptr += n;
        n
    }
}
