//! The signal queue of a process: kills, exits and link deaths, handled by its task between
//! slices of guest execution.
//!
//! A queue and a `Notify` behind one small allocation: a tokio channel would allocate a
//! block of 32 slots (nearly 2 KB) up front for every process, and almost no process is
//! ever signalled more than once.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::Signal;

#[derive(Default)]
struct Queue {
    signals: Mutex<VecDeque<Signal>>,
    ready: Notify,
}

/// The sending side, held by the process cell.
pub(crate) struct SignalSender(Arc<Queue>);

/// The receiving side, held by the process's task.
pub(crate) struct SignalReceiver(Arc<Queue>);

/// A new, empty signal queue.
pub(crate) fn channel() -> (SignalSender, SignalReceiver) {
    let queue = Arc::new(Queue::default());
    (SignalSender(queue.clone()), SignalReceiver(queue))
}

impl SignalSender {
    /// Queues a signal and wakes the task.
    pub(crate) fn send(&self, signal: Signal) {
        self.0
            .signals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(signal);
        // A stored permit covers a task that is not waiting yet.
        self.0.ready.notify_one();
    }
}

impl SignalReceiver {
    /// The next signal, if one is queued.
    pub(crate) fn try_recv(&mut self) -> Option<Signal> {
        self.0
            .signals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }

    /// Waits for the next signal. Cancel-safe: a signal is only taken when this returns it.
    pub(crate) async fn recv(&mut self) -> Signal {
        loop {
            if let Some(signal) = self.try_recv() {
                return signal;
            }
            self.0.ready.notified().await;
        }
    }
}

impl std::fmt::Debug for SignalSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignalSender")
    }
}
