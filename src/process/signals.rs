//! The signal queue of a process: kills, exits and link deaths, handled by its task between
//! slices of guest execution.
//!
//! A queue and its waiter behind one lock, inside the process cell: a tokio channel would
//! allocate a block of 32 slots (nearly 2 KB) up front for every process, and almost no
//! process is ever signalled more than once. The task looks at the queue every time it is
//! polled, so that look is one load of a flag beside the process's other hot fields (see
//! `ProcessCell`), not a lock.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use super::Signal;
use crate::wakers::Wakers;

#[derive(Default)]
struct Queue {
    signals: VecDeque<Signal>,
    /// Set by a send, cleared when the task finds the queue empty again: a signal taken
    /// out is still unhandled until the task comes back for more.
    unhandled: bool,
    /// The task, when it waits.
    waiter: Wakers,
}

/// The queue, the sending side: a field of the process cell.
#[derive(Default)]
#[repr(C)] // `sent`, read at every poll of the task, first
pub(crate) struct Signals {
    /// Set (under the lock) by a send, cleared (under the lock) when the task registers as
    /// the waiter: while it is clear, the task's waker is registered and nothing came, which
    /// the task reads without the lock at each poll.
    sent: AtomicBool,
    queue: Mutex<Queue>,
}

/// The receiving side, held by the process's task (with the cell the queue is in).
#[derive(Default)]
pub(crate) struct SignalReceiver {
    /// The waker last registered (the task's own, which does not change).
    registered: Option<Waker>,
}

fn lock(queue: &Mutex<Queue>) -> MutexGuard<'_, Queue> {
    queue.lock().unwrap_or_else(|e| e.into_inner())
}

impl Signals {
    /// Queues a signal and wakes the task.
    pub(crate) fn send(&self, signal: Signal) {
        let waiter = {
            let mut queue = lock(&self.queue);
            queue.signals.push_back(signal);
            queue.unhandled = true;
            self.sent.store(true, Ordering::Release);
            queue.waiter.take()
        };
        waiter.wake();
    }

    /// Are signals sent that the task has not handled yet (queued, or taken out and being
    /// handled)?
    pub(crate) fn is_pending(&self) -> bool {
        lock(&self.queue).unhandled
    }
}

impl SignalReceiver {
    /// The next signal of `signals`, if one is queued.
    pub(crate) fn try_recv(&mut self, signals: &Signals) -> Option<Signal> {
        let mut queue = lock(&signals.queue);
        let signal = queue.signals.pop_front();
        queue.unhandled = signal.is_some();
        signal
    }

    /// Waits for the next signal of `signals`. Cancel-safe: a signal is only taken when this
    /// returns it. The task polls this each time it runs: with its waker registered and
    /// nothing sent since, that is one load, not a lock.
    pub(crate) async fn recv(&mut self, signals: &Signals) -> Signal {
        poll_fn(|cx| self.poll_recv(cx, signals)).await
    }

    /// The next signal of `signals` if one is queued, else leaves `cx`'s waker to be woken
    /// by the next (see [`SignalReceiver::recv`]).
    pub(crate) fn poll_recv(&mut self, cx: &Context<'_>, signals: &Signals) -> Poll<Signal> {
        if let Some(waker) = &self.registered
            && waker.will_wake(cx.waker())
            && !signals.sent.load(Ordering::Acquire)
        {
            return Poll::Pending;
        }
        let mut queue = lock(&signals.queue);
        match queue.signals.pop_front() {
            Some(signal) => Poll::Ready(signal),
            None => {
                queue.unhandled = false;
                signals.sent.store(false, Ordering::Relaxed);
                queue.waiter.register(cx.waker());
                if !self
                    .registered
                    .as_ref()
                    .is_some_and(|w| w.will_wake(cx.waker()))
                {
                    self.registered = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        }
    }
}

impl std::fmt::Debug for Signals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signals")
    }
}
