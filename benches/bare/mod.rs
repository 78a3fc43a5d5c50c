//! The floor under grain's single-node figures: the benchmark workloads
//! (`benches/workloads/workloads.wat`) on bare wasmtime, with no grain in between.
//!
//! One thread, one queue of runnable processes, one fiber per instance (wasmtime's
//! `call_async`), and per process a plain queue of messages: `send` appends and puts a
//! waiting receiver on the run queue, `receive` takes the first match or parks. The host
//! functions are the few the workloads import (`lunatic::message` create/write/read/send/
//! receive, `lunatic::process` spawn and process_id, WASI's fd_write and clock_time_get),
//! each as little as it can be. No process table, links, monitors, signals, limits,
//! observers, tracing, nor a second thread: what grain adds is the difference.
//!
//! The engine is grain's own ([`grain::Runtime::engine`]: fuel, epoch interruption, the
//! arena's memories and stacks), so engine settings are not part of the difference; every
//! store yields at each epoch tick, as grain's processes do.

#![allow(dead_code, reason = "each includer uses a different part")]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use wasmtime::{Engine, InstancePre, Memory, Module, Store, Val};

/// What the floor's host functions fail with.
type Result<T> = wasmtime::Result<T>;

mod host;
pub mod rust;
use host::linker;

/// A mark line a guest printed, the resident set (bytes) and the memory mappings then.
pub type Mark = (String, u64, usize);

/// A process's running call (its fiber).
type Guest = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// A message: a tag (0 = untagged) and bytes.
struct Msg {
    tag: i64,
    data: Vec<u8>,
}

/// A store's data: who it is and its message slots.
struct Data {
    pid: usize,
    memory: Option<Memory>,
    /// The message being built (`create_data`).
    outgoing: Option<Msg>,
    /// The message last received, and the read cursor in it.
    incoming: Option<Msg>,
    read: usize,
}

struct Proc {
    guest: Option<Guest>,
    mailbox: VecDeque<Msg>,
    /// Parked in `receive`: the next message puts it on the run queue.
    waiting: bool,
    /// On the run queue already.
    queued: bool,
    waker: Waker,
    ended: bool,
}

/// Everything of one run, reached by the host functions through a thread-local.
struct World {
    pre: InstancePre<Data>,
    procs: Vec<Proc>,
    ready: VecDeque<usize>,
    /// What the processes wrote to stdout.
    out: Vec<u8>,
    started: Instant,
    /// The command line a guest's `main` reads (WASI's `args_get`).
    args: Vec<String>,
    /// The resident set (bytes) and the memory mappings when a mark line was printed.
    marks: Vec<Mark>,
}

thread_local! {
    static WORLD: RefCell<Option<World>> = const { RefCell::new(None) };
}

fn with_world<R>(f: impl FnOnce(&mut World) -> R) -> R {
    WORLD.with(|w| f(w.borrow_mut().as_mut().expect("a floor run is on")))
}

/// Puts process `pid` on the run queue (the wake of its fiber's epoch yield, too).
struct PidWaker(usize);

impl Wake for PidWaker {
    fn wake(self: Arc<Self>) {
        with_world(|w| w.schedule(self.0));
    }
}

impl World {
    fn schedule(&mut self, pid: usize) {
        let p = &mut self.procs[pid];
        if !p.queued && !p.ended {
            p.queued = true;
            self.ready.push_back(pid);
        }
    }

    fn spawn(&mut self, export: String, params: Vec<Val>) -> usize {
        let pid = self.procs.len();
        let guest = guest(self.pre.clone(), pid, export, params);
        self.procs.push(Proc {
            guest: Some(guest),
            mailbox: VecDeque::new(),
            waiting: false,
            queued: false,
            waker: Waker::from(Arc::new(PidWaker(pid))),
            ended: false,
        });
        self.schedule(pid);
        pid
    }

    fn deliver(&mut self, pid: usize, msg: Msg) {
        let Some(p) = self.procs.get_mut(pid).filter(|p| !p.ended) else {
            return; // to a dead process: dropped
        };
        p.mailbox.push_back(msg);
        if std::mem::take(&mut p.waiting) {
            self.schedule(pid);
        }
    }
}

/// A process's whole life: a store, an instance, the call of `export`.
fn guest(pre: InstancePre<Data>, pid: usize, export: String, params: Vec<Val>) -> Guest {
    Box::pin(async move {
        let data = Data {
            pid,
            memory: None,
            outgoing: None,
            incoming: None,
            read: 0,
        };
        let mut store = Store::new(pre.module().engine(), data);
        // Grain's engine counts fuel (unless built without): give it all.
        let _ = store.set_fuel(u64::MAX);
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);
        let instance = Box::pin(pre.instantiate_async(&mut store)).await?;
        store.data_mut().memory = instance.get_memory(&mut store, "memory");
        let func = instance
            .get_func(&mut store, &export)
            .ok_or_else(|| wasmtime::Error::msg(format!("no export {export}")))?;
        func.call_async(&mut store, &params, &mut []).await
    })
}

/// The workloads compiled and linked on an engine.
pub struct Floor {
    pre: InstancePre<Data>,
}

impl Floor {
    /// Compiles `wasm` (the WAT workloads, or a lunatic-rs guest's binary) on `engine`.
    /// Imports the floor does not give trap if called.
    pub fn new(engine: &Engine, wasm: impl AsRef<[u8]>) -> Result<Floor> {
        let module = Module::new(engine, wasm)?;
        let mut linker = linker(engine)?;
        linker.define_unknown_imports_as_traps(&module)?;
        let pre = linker.instantiate_pre(&module)?;
        Ok(Floor { pre })
    }

    /// Runs the guest's `main` (WASI's `_start`) with command line `args` (the program's
    /// name first) until it ends, and returns what it printed and the resident set at each
    /// mark line it printed (see [`rust`]).
    pub fn main(&self, args: &[String]) -> Result<(String, Vec<Mark>)> {
        self.with_world(|| {
            with_world(|w| w.args = args.to_vec());
            let root = with_world(|w| w.spawn("_start".into(), Vec::new()));
            run_queue()?;
            if !with_world(|w| w.procs[root].ended) {
                return Err(wasmtime::Error::msg("main never ended"));
            }
            let (out, marks) =
                with_world(|w| (std::mem::take(&mut w.out), std::mem::take(&mut w.marks)));
            Ok((String::from_utf8_lossy(&out).into_owned(), marks))
        })
    }

    /// Runs export `name` with `args` until it ends (whatever it leaves parked is dropped
    /// then) and returns the nanoseconds it printed last.
    pub fn run(&self, name: &str, args: &[i64]) -> Result<u64> {
        let params = args.iter().map(|&a| Val::I64(a)).collect();
        let out = self.with_world(|| {
            let root = with_world(|w| w.spawn(name.to_owned(), params));
            run_queue()?;
            if !with_world(|w| w.procs[root].ended) {
                return Err(wasmtime::Error::msg(format!("{name} never ended")));
            }
            Ok(with_world(|w| std::mem::take(&mut w.out)))
        })?;
        let text = String::from_utf8_lossy(&out);
        let last = text.lines().last().unwrap_or_default().trim().to_owned();
        last.parse()
            .map_err(|_| wasmtime::Error::msg(format!("{name} printed {last:?}")))
    }

    /// The best of three runs, in ns per operation (`ops` per run).
    pub fn best(&self, name: &str, args: &[i64], ops: u64) -> Result<f64> {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            best = best.min(self.run(name, args)? as f64 / ops as f64);
        }
        Ok(best)
    }

    /// Spawns `n` processes that park in `receive` from the host, runs them until all are
    /// parked, and returns the time and the resident-set growth per process.
    pub fn parked(&self, n: usize) -> Result<(Duration, u64)> {
        let (times, bytes) = self.crowd(n, n.max(1))?;
        Ok((times.first().copied().unwrap_or_default(), bytes))
    }

    /// As [`parked`](Self::parked), in batches of `batch` processes, each parked before
    /// the next is spawned: the time per spawn of each batch (whether spawning slows as the
    /// crowd grows), and the resident-set growth per process over all.
    pub fn crowd(&self, n: usize, batch: usize) -> Result<(Vec<Duration>, u64)> {
        self.with_world(|| {
            let rss0 = resident_bytes();
            let mut times = Vec::new();
            while times.len() * batch < n {
                let size = batch.min(n - times.len() * batch);
                let start = Instant::now();
                for _ in 0..size {
                    with_world(|w| w.spawn("parked".into(), Vec::new()));
                }
                run_queue()?;
                times.push(start.elapsed() / size.max(1) as u32);
            }
            let parked = with_world(|w| w.procs.iter().filter(|p| p.waiting).count());
            if parked != n {
                return Err(wasmtime::Error::msg(format!("{parked} of {n} parked")));
            }
            Ok((
                times,
                resident_bytes().saturating_sub(rss0) / n.max(1) as u64,
            ))
        })
    }

    /// Runs `f` in a fresh world, dropped (with every process left) afterwards.
    fn with_world<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        let world = World {
            pre: self.pre.clone(),
            procs: Vec::new(),
            ready: VecDeque::new(),
            out: Vec::new(),
            started: Instant::now(),
            args: Vec::new(),
            marks: Vec::new(),
        };
        WORLD.with(|w| *w.borrow_mut() = Some(world));
        let result = f();
        // Out of the thread-local first: dropping a parked fiber resumes it to unwind.
        let world = WORLD.with(|w| w.borrow_mut().take());
        drop(world);
        result
    }
}

/// Polls runnable processes until none is.
fn run_queue() -> Result<()> {
    while let Some(pid) = with_world(|w| w.ready.pop_front()) {
        let (guest, waker) = with_world(|w| {
            let p = &mut w.procs[pid];
            p.queued = false;
            (p.guest.take(), p.waker.clone())
        });
        let Some(mut guest) = guest else { continue };
        match guest.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(outcome) => {
                with_world(|w| {
                    let p = &mut w.procs[pid];
                    p.ended = true;
                    p.mailbox.clear();
                });
                outcome?;
            }
            Poll::Pending => with_world(|w| w.procs[pid].guest = Some(guest)),
        }
    }
    Ok(())
}

/// The memory mappings of this process (Linux; 0 elsewhere).
fn mappings() -> usize {
    std::fs::read_to_string("/proc/self/maps").map_or(0, |m| m.lines().count())
}

/// The resident set of this process, in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    kib * 1024
}
