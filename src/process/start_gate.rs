//! Children waiting for their parent to move on.
//!
//! A new process starts at its parent's next park in a host call (or its end), or at a slice
//! end once the parent has run [`HEADSTART`] instructions past the spawn. So what the
//! parent does right after a spawn — send to it, link to it, kill it — comes first, however
//! the threads are scheduled and wherever in its slice the spawn fell. (The slice end alone
//! is wall-clock time: a spawn late in a slice left the child free to start, and end, before
//! the parent's very next instruction, and `spawn_link` then `kill` lost the kill in one run
//! of fifteen.) Fuel is the parent's own progress, as Erlang's reductions are; a runtime
//! that does not count fuel falls back to the next slice end.
//!
//! The child waits here instead of spinning; the parent opens the gate at its yield points
//! while children may wait. Only those need the fence that pairs with a waiting child's (a
//! child that looks later sees the parent moved on): at the others, opening costs a load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
use std::task::{Poll, Waker};
use std::time::Duration;

use super::ProcessCell;
use crate::observe::{HostCall, Status};
use crate::wakers::Wakers;

/// The longest a new process waits for its parent to move on (a safety net).
const START_WAIT: Duration = Duration::from_millis(50);
/// Instructions a running parent gets past a spawn before its child may start at a slice
/// end: well past what follows a spawn (a send, a link, a kill), well under a slice's work.
const HEADSTART: u64 = 10_000;

/// The children waiting for a process to move on.
#[derive(Default)]
#[repr(C)] // `children`, read at every park, first (see `ProcessCell`)
pub(crate) struct StartGate {
    /// Set by a spawn: children may be waiting.
    children: AtomicBool,
    armed: AtomicBool,
    /// The fuel count past which the youngest child may start (0 when fuel is not counted).
    youngest: AtomicU64,
    waiters: Mutex<Wakers>,
}

impl StartGate {
    /// The process's run reached `fuel` (`u64::MAX` at a park): wake the children past
    /// their mark. A fence and a look only while children may wait.
    fn open(&self, fuel: u64) {
        if !self.children.load(Ordering::Relaxed) {
            return;
        }
        if fuel >= self.youngest.load(Ordering::Relaxed) {
            self.children.store(false, Ordering::Relaxed);
        }
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
    /// Does a child of this process wait for its fuel (else for its slice count)? Only a
    /// wasm process counts fuel; a host parent (a supervisor) has only its waits.
    fn starts_children_by_fuel(&self, fuel_counted: bool) -> bool {
        fuel_counted && self.is_wasm()
    }

    /// This process spawned a child: returns the child's mark, the fuel count past which it
    /// may start (or the slice count it waits past). A wasm parent's own task calls this
    /// (its spawn, after publishing its fuel), as it does the yield points' opens, so no
    /// read-modify-write is needed.
    pub(crate) fn expect_child(&self, fuel_counted: bool) -> u64 {
        if !self.is_wasm() {
            return self.stats.slices();
        }
        let by_fuel = self.starts_children_by_fuel(fuel_counted);
        let mark = if by_fuel {
            self.stats.fuel_used() + HEADSTART
        } else {
            self.stats.slices()
        };
        let gate = &self.start_gate;
        gate.youngest
            .store(if by_fuel { mark } else { 0 }, Ordering::Relaxed);
        gate.children.store(true, Ordering::Relaxed);
        mark
    }

    /// The process parks in a blocking host call: a yield point for every child.
    pub(crate) fn park_in(&self, call: HostCall, now_us: u64) {
        self.stats.enter(call, now_us);
        self.trace_park(call);
        self.start_gate.open(u64::MAX);
    }

    /// The process's time slice ended (an epoch tick), its fuel use just published: a
    /// yield point for the children it has run far enough past.
    pub(crate) fn end_slice(&self) {
        self.stats.count_slice();
        self.start_gate.open(self.stats.fuel_used());
    }
}

/// Waits until `parent` has parked, ended, or run past `mark` (see
/// [`ProcessCell::expect_child`]), at most [`START_WAIT`]. The parent's yield points wake
/// the children waiting; a child that looks later sees the parent moved on.
pub(crate) async fn wait_for_yield(parent: &ProcessCell, mark: u64, fuel_counted: bool) {
    let fuel = parent.starts_children_by_fuel(fuel_counted);
    let moved_on = || {
        parent.stats.status() != Status::Running
            || if fuel {
                parent.stats.fuel_used() >= mark
            } else {
                parent.stats.slices() != mark
            }
    };
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
