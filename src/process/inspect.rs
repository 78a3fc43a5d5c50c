//! Reading a live process's memory, safely.
//!
//! Nobody touches a running `Store` from outside. A request is queued on the process, and the
//! process answers it itself at its next safe point: an epoch tick while it computes, or
//! right away while it waits in `receive` or `sleep_ms`. A process stuck in a WASI call does
//! not answer, and the request times out as busy.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use std::task::Waker;

use tokio::sync::oneshot;

use crate::wakers::Wakers;

/// Why a memory read failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    /// The process has ended (or ended before answering).
    #[error("the process has ended")]
    Exited,
    /// The process did not reach a safe point in time (e.g. it is blocked in a WASI call).
    #[error("the process did not answer within {0:?} (busy in a WASI call?)")]
    Busy(Duration),
    /// The range is outside the process's memory.
    #[error("{addr:#x}+{len} is outside the memory ({size} bytes)")]
    OutOfBounds {
        /// Start of the range.
        addr: u64,
        /// Its length.
        len: u64,
        /// The memory's size.
        size: u64,
    },
    /// The module exports no memory.
    #[error("the module exports no memory")]
    NoMemory,
}

struct Request {
    addr: u64,
    len: u64,
    reply: oneshot::Sender<Result<Vec<u8>, InspectError>>,
}

/// The queue of pending memory reads of one process.
#[derive(Default)]
#[repr(C)] // the flags, read at every park, first (see `ProcessCell`)
pub(crate) struct Inspector {
    flag: AtomicBool,
    /// Set (under the waiters' lock) while its task's waker is registered: a park then
    /// costs a load, not a lock.
    armed: AtomicBool,
    pending: Mutex<Vec<Request>>,
    /// The parked process's task, woken by a request.
    waiters: Mutex<Wakers>,
}

impl Inspector {
    /// Is a request waiting? (Cheap: checked at every epoch tick.)
    pub(crate) fn wanted(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Leaves `waker` to be woken by the next request (a parked process calls this each time
    /// it is polled, then checks [`Inspector::wanted`]).
    pub(crate) fn wait(&self, waker: &Waker) {
        // Only the process's own task waits here, with the same waker every time.
        if self.armed.load(Ordering::Acquire) {
            return;
        }
        let mut waiters = self.waiters.lock().expect("inspector lock");
        waiters.register(waker);
        self.armed.store(true, Ordering::Release);
    }

    /// Answers every pending request from `memory`.
    pub(crate) fn serve(&self, memory: Option<&[u8]>) {
        let pending = std::mem::take(&mut *self.pending.lock().expect("inspector lock"));
        self.flag.store(false, Ordering::Relaxed);
        for request in pending {
            let answer = match memory {
                None => Err(InspectError::NoMemory),
                Some(data) => {
                    let size = data.len() as u64;
                    let end = request.addr.checked_add(request.len).filter(|e| *e <= size);
                    match end {
                        Some(end) => Ok(data[request.addr as usize..end as usize].to_vec()),
                        None => Err(InspectError::OutOfBounds {
                            addr: request.addr,
                            len: request.len,
                            size,
                        }),
                    }
                }
            };
            let _ = request.reply.send(answer);
        }
    }

    /// Answers every pending request with `Exited` (the process has ended).
    pub(crate) fn close(&self) {
        let pending = std::mem::take(&mut *self.pending.lock().expect("inspector lock"));
        for request in pending {
            let _ = request.reply.send(Err(InspectError::Exited));
        }
    }

    /// Queues a read and waits for the answer.
    pub(crate) async fn read(
        &self,
        addr: u64,
        len: u64,
        wait: Duration,
    ) -> Result<Vec<u8>, InspectError> {
        let (reply, answer) = oneshot::channel();
        self.pending
            .lock()
            .expect("inspector lock")
            .push(Request { addr, len, reply });
        self.flag.store(true, Ordering::Release);
        let waiters = {
            let mut waiters = self.waiters.lock().expect("inspector lock");
            self.armed.store(false, Ordering::Release);
            waiters.take()
        };
        waiters.wake();
        match tokio::time::timeout(wait, answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(InspectError::Exited),
            Err(_) => Err(InspectError::Busy(wait)),
        }
    }
}
