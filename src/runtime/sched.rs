//! The scheduler of wasm processes: a few executor threads that run processes and keep
//! communicating processes together.
//!
//! tokio's own scheduler moves a woken task to the waking worker's LIFO slot, but only three
//! times in a row; the fourth wake goes to the shared queue and wakes another worker with a
//! system call, so a message chain (a ring, a ping-pong pair) hops between cores every few
//! messages. Here a process woken by a process runs next on the same executor, for as long
//! as that chain goes, and an idle executor is woken only when there is surplus work for it
//! to steal — as Erlang's schedulers do.
//!
//! There is one executor thread per tokio worker. Each has entered the tokio runtime, so
//! timers, sockets and `spawn_blocking` work inside processes as before; tokio's drivers run
//! on tokio's threads. A guard task on the tokio runtime shuts the executors down, dropping
//! every process, when that runtime goes away.

#![allow(
    unsafe_code,
    reason = "the running executor's next-up slot is reached through a thread-local pointer"
)]

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::thread::Thread;

use async_task::{Runnable, ScheduleInfo, Task, WithInfo};
use dashmap::DashMap;

/// Times in a row a woken process may jump the queue before the queue's turn comes.
const NEXT_CAP: u32 = 64;
/// How long an executor out of work watches the queues before it sleeps.
const SPIN: std::time::Duration = std::time::Duration::from_micros(50);
/// Pause instructions between two looks at the queues.
const SPIN_PAUSES: u32 = 64;

/// Runs wasm processes.
pub(crate) struct Scheduler {
    shared: Arc<Shared>,
}

struct Shared {
    queues: Vec<Queue>,
    /// Every process not yet ended, so the shutdown can drop them all (they hold the runtime
    /// that holds them).
    tasks: DashMap<u64, Task<()>>,
    shutdown: AtomicBool,
    /// Where wakes from outside the executors go next.
    next_queue: AtomicUsize,
}

#[derive(Default)]
struct Queue {
    inner: Mutex<QueueInner>,
    /// Runnables queued, for stealers to skip empty queues without a lock.
    len: AtomicUsize,
    thread: OnceLock<Thread>,
}

#[derive(Default)]
struct QueueInner {
    ready: VecDeque<Runnable>,
    /// Set while the executor sleeps (it is unparked by the next push).
    idle: bool,
}

/// What the executor running on this thread has: its index and its next-up slot.
struct Local {
    shared: *const Shared,
    index: usize,
    next: Option<Runnable>,
}

thread_local! {
    static CURRENT: Cell<*mut Local> = const { Cell::new(std::ptr::null_mut()) };
}

impl Local {
    /// The executor of scheduler `shared` running a process on this thread, if any. Its
    /// `shared` is alive as long as the executor runs (the thread holds an `Arc` of it).
    fn current<'a>(shared: *const Shared) -> Option<&'a mut Local> {
        // SAFETY: CURRENT points at the Local of the executor running a process on this
        // thread; it is set around each run and cleared before the Local goes away, and
        // only the thread itself reaches it, one borrow at a time (a wake runs to its end
        // before the process goes on).
        unsafe { CURRENT.get().as_mut() }.filter(|l| std::ptr::eq(l.shared, shared))
    }
}

impl Scheduler {
    /// Starts `executors` executor threads for the current tokio runtime.
    pub(crate) fn start(executors: usize) -> Scheduler {
        let executors = executors.max(1);
        let shared = Arc::new(Shared {
            queues: (0..executors).map(|_| Queue::default()).collect(),
            tasks: DashMap::new(),
            shutdown: AtomicBool::new(false),
            next_queue: AtomicUsize::new(0),
        });
        let handle = tokio::runtime::Handle::current();
        for index in 0..executors {
            let (shared, handle) = (shared.clone(), handle.clone());
            std::thread::Builder::new()
                .name(format!("grain-sched-{index}"))
                .spawn(move || {
                    let _tokio = handle.enter();
                    // Before it can sleep, so whoever sees it asleep can wake it.
                    let _ = shared.queues[index].thread.set(std::thread::current());
                    run(&shared, index);
                })
                .expect("spawn an executor thread"); // detached: it ends at shutdown
        }
        // Dropped with the tokio runtime's tasks when that runtime shuts down.
        tokio::spawn(ShutdownGuard(shared.clone()).wait());
        Scheduler { shared }
    }

    /// Runs `future` as process `id`. It starts after what the spawner is doing now.
    pub(crate) fn spawn<F>(&self, id: u64, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let weak = Arc::downgrade(&self.shared);
        let schedule = move |runnable: Runnable, info: ScheduleInfo| {
            // Woken on one of this scheduler's executors (a process woke it: the message
            // path), `Shared` is alive without a reference count taken and dropped per wake:
            // the executor thread holds it.
            if let Some(local) = Local::current(weak.as_ptr()) {
                // SAFETY: `local.shared` is the executor's own `Arc<Shared>`, alive while
                // it runs (see `Local::current`).
                return unsafe { &*local.shared }.schedule_local(local, runnable, info);
            }
            if let Some(shared) = weak.upgrade() {
                shared.schedule(runnable, info);
            }
        };
        // No `tokio::task::unconstrained` around it: tokio's cooperative budget is only
        // ever set by tokio's own workers, so on an executor thread every tokio resource a
        // process uses (a timer, a socket) is unconstrained already, and the wrapper cost
        // two thread-local writes per poll.
        let future = Tracked {
            inner: future,
            shared: self.shared.clone(),
            id,
        };
        let (runnable, task) = async_task::spawn(future, WithInfo(schedule));
        if self.shared.shutdown.load(Ordering::Acquire) {
            return;
        }
        self.shared.tasks.insert(id, task);
        runnable.schedule();
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        self.shared.shut_down();
    }
}

/// A process's future, which leaves the task table when it ends. (An `async` block around
/// the future would hold it twice: once captured, once awaited — 1.4 KB more per process.)
struct Tracked<F> {
    inner: F,
    shared: Arc<Shared>,
    id: u64,
}

impl<F: Future<Output = ()>> Future for Tracked<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `Tracked`, and
        // `Tracked` has no Drop impl nor Unpin impl that would move it.
        let inner = unsafe { self.as_mut().map_unchecked_mut(|t| &mut t.inner) };
        let out = inner.poll(cx);
        if out.is_ready() {
            self.shared.tasks.remove(&self.id);
        }
        out
    }
}

struct ShutdownGuard(Arc<Shared>);

impl ShutdownGuard {
    async fn wait(self) {
        std::future::pending::<()>().await;
    }
}

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        self.0.shut_down();
    }
}

impl Shared {
    fn schedule(&self, runnable: Runnable, info: ScheduleInfo) {
        match Local::current(self) {
            Some(local) => self.schedule_local(local, runnable, info),
            None => {
                if self.shutdown.load(Ordering::Acquire) {
                    return; // dropping it drops the process
                }
                let i = self.next_queue.fetch_add(1, Ordering::Relaxed) % self.queues.len();
                self.push(i, runnable);
            }
        }
    }

    /// Schedules `runnable` from a process running on executor `local` of this scheduler.
    fn schedule_local(&self, local: &mut Local, runnable: Runnable, info: ScheduleInfo) {
        if self.shutdown.load(Ordering::Acquire) {
            return; // dropping it drops the process
        }
        if info.woken_while_running {
            // A process yielding (its slice is up): behind everything else here. If a process
            // it woke waits in the next-up slot, two want this thread: a sleeping one may
            // take the yielder (a producer and its consumer then run side by side).
            self.push(local.index, runnable);
            if local.next.is_some() {
                self.wake_one_idle(local.index);
            }
        } else if let Some(previous) = local.next.replace(runnable) {
            self.push(local.index, previous);
        }
    }

    /// Queues `runnable` on executor `i`, waking it if it sleeps, and one sleeping executor
    /// more if there is more work here than one executor does at a time.
    fn push(&self, i: usize, runnable: Runnable) {
        let queue = &self.queues[i];
        let (was_idle, surplus) = {
            let mut inner = queue.inner.lock().expect("queue lock");
            inner.ready.push_back(runnable);
            queue.len.store(inner.ready.len(), Ordering::Relaxed);
            (std::mem::take(&mut inner.idle), inner.ready.len() > 1)
        };
        if was_idle {
            self.unpark(i);
        } else if surplus {
            self.wake_one_idle(i);
        }
    }

    fn unpark(&self, i: usize) {
        if let Some(thread) = self.queues[i].thread.get() {
            thread.unpark();
        }
    }

    fn wake_one_idle(&self, except: usize) {
        for (j, queue) in self.queues.iter().enumerate() {
            if j != except && std::mem::take(&mut queue.inner.lock().expect("queue lock").idle) {
                self.unpark(j);
                return;
            }
        }
    }

    /// The next runnable of executor `i` from its queue, else stolen from another queue.
    fn pop(&self, i: usize) -> Option<Runnable> {
        if let Some(r) = self.take_front(i) {
            return Some(r);
        }
        let n = self.queues.len();
        (1..n).find_map(|k| {
            let j = (i + k) % n;
            (self.queues[j].len.load(Ordering::Relaxed) > 0)
                .then(|| self.take_front(j))
                .flatten()
        })
    }

    fn take_front(&self, i: usize) -> Option<Runnable> {
        let queue = &self.queues[i];
        let mut inner = queue.inner.lock().expect("queue lock");
        let r = inner.ready.pop_front();
        queue.len.store(inner.ready.len(), Ordering::Relaxed);
        r
    }

    /// Watches the queues for a short while before executor `i` goes to sleep: waking a
    /// sleeping thread is a system call and a context switch for both sides, dearer than
    /// the work a burst of spawns or messages hands over (Erlang's schedulers spin too).
    fn spin(&self, i: usize) -> Option<Runnable> {
        let start = std::time::Instant::now();
        while start.elapsed() < SPIN {
            for _ in 0..SPIN_PAUSES {
                std::hint::spin_loop();
            }
            if self.shutdown.load(Ordering::Relaxed) {
                return None;
            }
            if self
                .queues
                .iter()
                .any(|q| q.len.load(Ordering::Relaxed) > 0)
                && let Some(r) = self.pop(i)
            {
                return Some(r);
            }
        }
        None
    }

    /// Marks executor `i` asleep unless something is queued for it already.
    fn idle(&self, i: usize) -> bool {
        let mut inner = self.queues[i].inner.lock().expect("queue lock");
        inner.idle = inner.ready.is_empty();
        inner.idle
    }

    /// Drops every process: the tokio runtime (or the node) is going away.
    fn shut_down(&self) {
        if self.shutdown.swap(true, Ordering::AcqRel) {
            return;
        }
        let ids: Vec<u64> = self.tasks.iter().map(|e| *e.key()).collect();
        let tasks: Vec<Task<()>> = ids
            .into_iter()
            .filter_map(|id| self.tasks.remove(&id).map(|(_, t)| t))
            .collect();
        drop(tasks);
        for i in 0..self.queues.len() {
            let ready = std::mem::take(&mut self.queues[i].inner.lock().expect("queue lock").ready);
            drop(ready);
            self.unpark(i); // it sees the shutdown and ends
        }
    }
}

/// An executor thread's loop: the woken process next, else its queue, else another's.
fn run(shared: &Shared, index: usize) {
    let mut local = Local {
        shared,
        index,
        next: None,
    };
    // From here on `local` is reached through this pointer only: `schedule` writes its
    // next-up slot while a process runs.
    let lp: *mut Local = &mut local;
    let mut next_runs = 0;
    while !shared.shutdown.load(Ordering::Acquire) {
        // SAFETY: `lp` points at `local`, alive for this whole loop; nothing else touches
        // it while CURRENT is null.
        let next = unsafe { (*lp).next.take() };
        let runnable = match next {
            Some(r) if next_runs < NEXT_CAP => {
                next_runs += 1;
                r
            }
            Some(r) => {
                // The chain has had its turn: behind the queue it goes.
                next_runs = 0;
                shared.push(index, r);
                continue;
            }
            None => {
                next_runs = 0;
                match shared.pop(index).or_else(|| shared.spin(index)) {
                    Some(r) => r,
                    None => {
                        if shared.idle(index) {
                            std::thread::park();
                        }
                        continue;
                    }
                }
            }
        };
        CURRENT.set(lp);
        runnable.run();
        CURRENT.set(std::ptr::null_mut());
    }
    // SAFETY: as above.
    drop(unsafe { (*lp).next.take() });
}

/// The executor polling on this thread, if any (for tests and diagnostics).
#[cfg(test)]
fn current_executor() -> Option<usize> {
    // SAFETY: see `Shared::schedule`.
    unsafe { CURRENT.get().as_ref() }.map(|l| l.index)
}

#[cfg(test)]
#[path = "sched_tests.rs"]
mod tests;
