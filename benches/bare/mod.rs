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

use wasmtime::{Caller, Engine, InstancePre, Linker, Memory, Module, Store, Val};

/// What the floor's host functions fail with.
type Result<T> = wasmtime::Result<T>;

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

fn memory(caller: &mut Caller<'_, Data>) -> Result<Memory> {
    caller
        .data()
        .memory
        .ok_or_else(|| wasmtime::Error::msg("no memory yet"))
}

fn read(caller: &mut Caller<'_, Data>, ptr: i32, len: i32) -> Result<Vec<u8>> {
    let mut bytes = vec![0; len as u32 as usize];
    memory(caller)?.read(&*caller, ptr as u32 as usize, &mut bytes)?;
    Ok(bytes)
}

fn write(caller: &mut Caller<'_, Data>, ptr: i32, bytes: &[u8]) -> Result<()> {
    memory(caller)?.write(&mut *caller, ptr as u32 as usize, bytes)?;
    Ok(())
}

/// lunatic's spawn parameters: 17-byte chunks, a type byte and a little-endian u128.
fn params(bytes: &[u8]) -> Result<Vec<Val>> {
    bytes
        .chunks_exact(17)
        .map(|c| {
            let v = u128::from_le_bytes(c[1..].try_into().expect("16 bytes"));
            match c[0] {
                0x7F => Ok(Val::I32(v as i32)),
                0x7E => Ok(Val::I64(v as i64)),
                t => Err(wasmtime::Error::msg(format!("param type {t:#x}"))),
            }
        })
        .collect()
}

fn linker(engine: &Engine) -> Result<Linker<Data>> {
    let mut l = Linker::new(engine);
    const M: &str = "lunatic::message";
    l.func_wrap(
        M,
        "create_data",
        |mut c: Caller<'_, Data>, tag: i64, cap: i64| {
            let data = Vec::with_capacity(cap.clamp(0, 1 << 20) as usize);
            c.data_mut().outgoing = Some(Msg { tag, data });
        },
    )?;
    l.func_wrap(
        M,
        "write_data",
        |mut c: Caller<'_, Data>, ptr: i32, len: i32| -> Result<i32> {
            let bytes = read(&mut c, ptr, len)?;
            let msg = c.data_mut().outgoing.as_mut();
            msg.ok_or_else(|| wasmtime::Error::msg("no message"))?
                .data
                .extend_from_slice(&bytes);
            Ok(len)
        },
    )?;
    l.func_wrap(
        M,
        "read_data",
        |mut c: Caller<'_, Data>, ptr: i32, len: i32| -> Result<i32> {
            let d = c.data();
            let msg = d.incoming.as_ref();
            let rest = &msg.ok_or_else(|| wasmtime::Error::msg("no message"))?.data[d.read..];
            let n = rest.len().min(len as u32 as usize);
            let bytes = rest[..n].to_vec();
            write(&mut c, ptr, &bytes)?;
            c.data_mut().read += n;
            Ok(n as i32)
        },
    )?;
    l.func_wrap(
        M,
        "send",
        |mut c: Caller<'_, Data>, pid: i64| -> Result<i32> {
            let msg = c.data_mut().outgoing.take();
            let msg = msg.ok_or_else(|| wasmtime::Error::msg("no message"))?;
            with_world(|w| w.deliver(pid as usize, msg));
            Ok(0)
        },
    )?;
    l.func_wrap_async(
        M,
        "receive",
        |mut c: Caller<'_, Data>, (ptr, len, _ms): (i32, i32, i64)| {
            Box::new(async move {
                let tags: Vec<i64> = read(&mut c, ptr, len.saturating_mul(8))?
                    .chunks_exact(8)
                    .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
                    .collect();
                let pid = c.data().pid;
                let wanted = |m: &Msg| tags.is_empty() || (m.tag != 0 && tags.contains(&m.tag));
                let mut scanned = 0;
                let msg = std::future::poll_fn(|_| {
                    with_world(|w| {
                        let p = &mut w.procs[pid];
                        let at = p.mailbox.iter().skip(scanned).position(wanted);
                        match at.and_then(|i| p.mailbox.remove(i + scanned)) {
                            Some(msg) => Poll::Ready(msg),
                            None => {
                                scanned = p.mailbox.len();
                                p.waiting = true;
                                Poll::Pending
                            }
                        }
                    })
                })
                .await;
                let d = c.data_mut();
                (d.incoming, d.read) = (Some(msg), 0);
                Ok(0i32)
            })
        },
    )?;
    const P: &str = "lunatic::process";
    l.func_wrap(P, "process_id", |c: Caller<'_, Data>| c.data().pid as i64)?;
    l.func_wrap(
        P,
        "spawn",
        |mut c: Caller<'_, Data>,
         _link: i64,
         _config: i64,
         _module: i64,
         name: i32,
         name_len: i32,
         args: i32,
         args_len: i32,
         id_ptr: i32|
         -> Result<i32> {
            let export = String::from_utf8(read(&mut c, name, name_len)?)?;
            let params = params(&read(&mut c, args, args_len)?)?;
            let pid = with_world(|w| w.spawn(export, params));
            write(&mut c, id_ptr, &(pid as u64).to_le_bytes())?;
            Ok(0)
        },
    )?;
    const W: &str = "wasi_snapshot_preview1";
    l.func_wrap(
        W,
        "fd_write",
        |mut c: Caller<'_, Data>, _fd: i32, iovs: i32, n: i32, written: i32| -> Result<i32> {
            let vecs = read(&mut c, iovs, n.saturating_mul(8))?;
            let mut total = 0;
            for v in vecs.chunks_exact(8) {
                let ptr = i32::from_le_bytes(v[..4].try_into().expect("4 bytes"));
                let len = i32::from_le_bytes(v[4..].try_into().expect("4 bytes"));
                let bytes = read(&mut c, ptr, len)?;
                with_world(|w| w.out.extend_from_slice(&bytes));
                total += len;
            }
            write(&mut c, written, &total.to_le_bytes())?;
            Ok(0)
        },
    )?;
    l.func_wrap(
        W,
        "clock_time_get",
        |mut c: Caller<'_, Data>, _id: i32, _precision: i64, out: i32| -> Result<i32> {
            let ns = with_world(|w| w.started.elapsed().as_nanos() as u64);
            write(&mut c, out, &ns.to_le_bytes())?;
            Ok(0)
        },
    )?;
    Ok(l)
}

/// The workloads compiled and linked on an engine.
pub struct Floor {
    pre: InstancePre<Data>,
}

impl Floor {
    /// Compiles `wat` (the workloads) on `engine`.
    pub fn new(engine: &Engine, wat: &str) -> Result<Floor> {
        let module = Module::new(engine, wat)?;
        let pre = linker(engine)?.instantiate_pre(&module)?;
        Ok(Floor { pre })
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
        self.with_world(|| {
            let rss0 = resident_bytes();
            let start = Instant::now();
            for _ in 0..n {
                with_world(|w| w.spawn("parked".into(), Vec::new()));
            }
            run_queue()?;
            let per = start.elapsed() / n.max(1) as u32;
            let parked = with_world(|w| w.procs.iter().filter(|p| p.waiting).count());
            if parked != n {
                return Err(wasmtime::Error::msg(format!("{parked} of {n} parked")));
            }
            Ok((per, resident_bytes().saturating_sub(rss0) / n.max(1) as u64))
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
