//! A trace's shared state (its buffer and rails), the slot each process carries, and the
//! node's list of traces.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::{StopReason, TraceEvent, TraceEventKind, TraceKinds, TraceSpec, TraceTarget};
use crate::Pid;
use crate::observe::HostCall;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One trace: its spec, its buffer and its rails, shared by the traced processes (which
/// push) and the tracer (which drains).
#[derive(Debug)]
pub(crate) struct TraceState {
    pub(crate) id: u64,
    pub(crate) spec: TraceSpec,
    inner: Mutex<Inner>,
    /// Events dropped because the buffer was full.
    pub(crate) dropped: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<TraceEvent>,
    /// Events taken in, against the limit.
    count: u64,
    /// The current one-second window of the rate rail: its start and its events.
    window: (u64, u64),
    stopped: Option<StopReason>,
}

impl TraceState {
    pub(crate) fn new(id: u64, spec: TraceSpec) -> Self {
        TraceState {
            id,
            spec,
            inner: Mutex::default(),
            dropped: AtomicU64::new(0),
        }
    }

    /// Takes in an event; false once the trace is over (the caller forgets it).
    pub(crate) fn push(&self, event: TraceEvent) -> bool {
        let mut inner = lock(&self.inner);
        if inner.stopped.is_some() {
            return false;
        }
        if let Some(rate) = self.spec.rate {
            let (start, n) = &mut inner.window;
            if event.at_us.saturating_sub(*start) >= 1_000_000 {
                (*start, *n) = (event.at_us, 0);
            }
            *n += 1;
            if *n > rate {
                inner.stopped = Some(StopReason::Rate(rate));
                return false;
            }
        }
        inner.count += 1;
        if inner.queue.len() < self.spec.buffer.max(1) {
            inner.queue.push_back(event);
        } else {
            self.dropped.fetch_add(1, Relaxed);
        }
        if inner.count >= self.spec.limit {
            inner.stopped = Some(StopReason::Limit(self.spec.limit));
            return false;
        }
        true
    }

    /// Stops the trace (unless it stopped already) with this reason.
    pub(crate) fn stop(&self, why: StopReason) {
        lock(&self.inner).stopped.get_or_insert(why);
    }

    /// Moves the waiting events into `out`; returns why the trace stopped, if it did.
    pub(crate) fn drain(&self, out: &mut Vec<TraceEvent>) -> Option<StopReason> {
        let mut inner = lock(&self.inner);
        out.extend(inner.queue.drain(..));
        inner.stopped.clone()
    }

    pub(crate) fn is_stopped(&self) -> bool {
        lock(&self.inner).stopped.is_some()
    }

    /// Does this trace follow processes of `module`?
    pub(crate) fn follows_module(&self, module: &str) -> bool {
        matches!(&self.spec.target, TraceTarget::Module(m) if m == module)
    }
}

/// What a process carries for tracing: the kinds its trace wants (the one byte a traced
/// point loads when nothing is traced) and the trace.
#[derive(Debug, Default)]
#[repr(C)] // `kinds`, read at every message, first (see `ProcessCell`)
pub(crate) struct TraceSlot {
    kinds: AtomicU8,
    trace: Mutex<Option<Arc<TraceState>>>,
    /// The host call it is parked in, and since when (kept only while traced).
    parked: Mutex<Option<(HostCall, Instant)>>,
}

impl TraceSlot {
    /// Does the process's trace want `kind`?
    #[inline]
    pub(crate) fn wants(&self, kind: TraceKinds) -> bool {
        self.kinds.load(Relaxed) & kind.0 != 0
    }

    /// Traces the process with `state` (replacing another trace of it).
    pub(crate) fn attach(&self, state: &Arc<TraceState>) {
        *lock(&self.trace) = Some(state.clone());
        self.kinds.store(state.spec.kinds.0, Relaxed);
    }

    /// Ends tracing the process if `id` is its trace (any trace when `None`).
    pub(crate) fn detach(&self, id: Option<u64>) {
        let mut trace = lock(&self.trace);
        if trace
            .as_ref()
            .is_some_and(|t| id.is_none_or(|id| t.id == id))
        {
            *trace = None;
            self.kinds.store(0, Relaxed);
        }
    }

    /// The id of its trace, if traced.
    pub(crate) fn trace_id(&self) -> Option<u64> {
        lock(&self.trace).as_ref().map(|t| t.id)
    }

    /// Records an event of the process; a trace that is over is forgotten.
    pub(crate) fn record(&self, pid: Pid, at_us: u64, kind: TraceEventKind) {
        let mut trace = lock(&self.trace);
        let Some(state) = trace.as_ref() else {
            return;
        };
        if !state.push(TraceEvent { at_us, pid, kind }) {
            *trace = None;
            self.kinds.store(0, Relaxed);
        }
    }

    pub(crate) fn parked(&self, call: HostCall) {
        *lock(&self.parked) = Some((call, Instant::now()));
    }

    pub(crate) fn unparked(&self) -> Option<(HostCall, u64)> {
        let (call, since) = lock(&self.parked).take()?;
        Some((call, since.elapsed().as_micros() as u64))
    }
}

/// The node's traces.
#[derive(Debug, Default)]
pub(crate) struct Tracing {
    /// Traces alive: spawns and lifecycle events look further only when there are some.
    active: AtomicUsize,
    /// Traces of modules alive: a spawn looks for one only when there are some.
    modules: AtomicUsize,
    next_id: AtomicU64,
    traces: Mutex<Vec<Arc<TraceState>>>,
}

impl Tracing {
    /// Is any trace alive?
    #[inline]
    pub(crate) fn any(&self) -> bool {
        self.active.load(Relaxed) != 0
    }

    pub(crate) fn add(&self, spec: TraceSpec) -> Arc<TraceState> {
        let id = self.next_id.fetch_add(1, Relaxed) + 1;
        let state = Arc::new(TraceState::new(id, spec));
        let mut traces = lock(&self.traces);
        traces.push(state.clone());
        self.count(&traces);
        state
    }

    fn count(&self, traces: &[Arc<TraceState>]) {
        self.active.store(traces.len(), Relaxed);
        let modules = traces
            .iter()
            .filter(|t| matches!(t.spec.target, TraceTarget::Module(_)))
            .count();
        self.modules.store(modules, Relaxed);
    }

    pub(crate) fn remove(&self, id: u64) {
        let mut traces = lock(&self.traces);
        traces.retain(|t| t.id != id);
        self.count(&traces);
    }

    /// The live trace that follows processes of `module`, if any.
    pub(crate) fn of_module(&self, module: &str) -> Option<Arc<TraceState>> {
        if self.modules.load(Relaxed) == 0 {
            return None;
        }
        lock(&self.traces)
            .iter()
            .find(|t| t.follows_module(module) && !t.is_stopped())
            .cloned()
    }
}

impl Tracing {
    /// The process `pid` of trace `id` ended: a trace of that one pid is over.
    pub(crate) fn stop_pid_trace(&self, id: u64, pid: Pid) {
        let traces = lock(&self.traces);
        if let Some(t) = traces.iter().find(|t| t.id == id)
            && t.spec.target == TraceTarget::Pid(pid)
        {
            t.stop(StopReason::Ended);
        }
    }
}
