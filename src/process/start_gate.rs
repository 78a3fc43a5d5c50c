//! Children waiting for their parent's next yield point.
//!
//! A new process starts at its parent's next yield point (the end of its time slice, a park
//! in a host call, or its end), so what the parent does in the same slice — send to it, link
//! to it, kill it — comes first, however the threads are scheduled. The child waits here
//! instead of spinning; the parent opens the gate at each yield point. Only the first yield
//! point after a spawn needs the fence that pairs with a waiting child's (a child that looks
//! later sees that the parent moved on): at the others, opening costs one load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::task::{Poll, Waker};
use std::time::Duration;

use super::ProcessCell;
use crate::observe::{HostCall, Status};
use crate::wakers::Wakers;

/// The longest a new process waits for its parent's next yield point (a safety net).
const START_WAIT: Duration = Duration::from_millis(50);

/// The children waiting for a process's next yield point.
#[derive(Default)]
#[repr(C)] // `children`, read at every park, first (see `ProcessCell`)
pub(crate) struct StartGate {
    /// Set by a spawn: a child may wait for the next yield point.
    children: AtomicBool,
    armed: AtomicBool,
    waiters: Mutex<Wakers>,
}

impl StartGate {
    /// The process spawned a child, which waits for its next yield point. Called by the
    /// process's own task (its spawn), as are the yield points' `open`s, so no
    /// read-modify-write is needed.
    pub(crate) fn expect_child(&self) {
        self.children.store(true, Ordering::Relaxed);
    }

    /// The process reached a yield point: wake the children waiting for it. A fence and a
    /// look only if it spawned since the last one.
    pub(crate) fn open(&self) {
        if !self.children.load(Ordering::Relaxed) {
            return;
        }
        self.children.store(false, Ordering::Relaxed);
        self.open_now();
    }

    /// Wakes the children waiting for this process, whenever it spawned them (its end).
    pub(crate) fn open_now(&self) {
        // Pairs with the fence in `wait_for_yield`: either the child sees the new slice or
        // status, or this sees the gate armed.
        fence(Ordering::SeqCst);
        if !self.armed.load(Ordering::Relaxed) {
            return;
        }
        let waiters = {
            let mut waiters = self.waiters.lock().unwrap_or_else(|e| e.into_inner());
            self.armed.store(false, Ordering::Relaxed);
            waiters.take()
        };
        waiters.wake();
    }

    fn arm(&self, waker: &Waker) {
        let mut waiters = self.waiters.lock().unwrap_or_else(|e| e.into_inner());
        waiters.register(waker);
        self.armed.store(true, Ordering::Relaxed);
    }
}

impl ProcessCell {
    /// The process parks in a blocking host call: a yield point.
    pub(crate) fn park_in(&self, call: HostCall, now_us: u64) {
        self.stats.enter(call, now_us);
        self.trace_park(call);
        self.start_gate.open();
    }

    /// The process's time slice ended (an epoch tick): a yield point.
    pub(crate) fn end_slice(&self) {
        self.stats.count_slice();
        self.start_gate.open();
    }
}

/// Waits until `parent` is past `slice`, the slice it spawned this process in (at most
/// [`START_WAIT`]). The parent's first yield point after a spawn wakes the children waiting;
/// a child that looks later sees the slice count moved on.
pub(crate) async fn wait_for_yield(parent: &ProcessCell, slice: u64) {
    let moved_on = || parent.stats.status() != Status::Running || parent.stats.slices() != slice;
    let wait = std::future::poll_fn(|cx| {
        if moved_on() {
            return Poll::Ready(());
        }
        parent.start_gate.arm(cx.waker());
        fence(Ordering::SeqCst);
        if moved_on() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    });
    let _ = tokio::time::timeout(START_WAIT, wait).await;
}
