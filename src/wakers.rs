//! Tasks waiting for something to happen: usually one, sometimes several.
//!
//! A mailbox, a signal queue, a memory-read request queue and a parent's start gate each keep
//! their waiters in one of these, under a lock of their own (`tokio::sync::Notify` would cost
//! a waiter list and more locking per wait). The first waiter needs no allocation.

use std::task::Waker;

/// Wakers to wake once, each task at most once however often it registers.
#[derive(Debug, Default)]
pub(crate) struct Wakers {
    first: Option<Waker>,
    others: Vec<Waker>,
}

impl Wakers {
    /// Leaves `waker` to be woken by the next [`Wakers::wake`] of what [`Wakers::take`] gives.
    pub(crate) fn register(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(w) if w.will_wake(waker) => {}
            Some(_) if self.others.iter().any(|w| w.will_wake(waker)) => {}
            Some(_) => self.others.push(waker.clone()),
        }
    }

    /// Is nobody registered?
    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// Takes every registered waker (to wake once the lock around them is released).
    pub(crate) fn take(&mut self) -> Wakers {
        std::mem::take(self)
    }

    /// Wakes them all.
    pub(crate) fn wake(self) {
        if let Some(waker) = self.first {
            waker.wake();
        }
        self.others.into_iter().for_each(Waker::wake);
    }
}
