//! Starting and stopping traces: [`Runtime::trace`] and the [`Trace`] it returns.

use std::sync::{Arc, Weak};

use super::state::TraceState;
use super::{StopReason, TraceEvent, TraceSpec, TraceTarget};
use crate::process::ProcessCell;
use crate::runtime::RuntimeInner;
use crate::{Pid, Runtime};

/// A trace could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// No such process is alive on this node.
    #[error("{0} is not alive on this node")]
    NoProcess(Pid),
    /// The process lives on another node.
    #[error("{0} lives on node {node}: attach to that node to trace it", node = .0.node())]
    Remote(Pid),
    /// No process runs that module and none was loaded by that name.
    #[error("no module {0} is loaded or running")]
    NoModule(String),
    /// A trace already follows it.
    #[error("{0} is traced already (trace off first)")]
    Traced(String),
    /// A rail that lets nothing through.
    #[error("a trace needs a limit of at least 1 event")]
    NoLimit,
}

/// A live trace: drain its events as they come; dropping it stops it.
#[derive(Debug)]
pub struct Trace {
    state: Arc<TraceState>,
    rt: Weak<RuntimeInner>,
}

impl Runtime {
    /// Starts tracing `spec.target`.
    ///
    /// # Errors
    /// When the process is not alive here, the module is unknown, a trace follows it
    /// already, or the limit is 0.
    pub fn trace(&self, spec: TraceSpec) -> Result<Trace, TraceError> {
        let rt = &self.inner;
        if spec.limit == 0 {
            return Err(TraceError::NoLimit);
        }
        let state = match &spec.target {
            TraceTarget::Pid(pid) => {
                if !rt.is_local(*pid) {
                    return Err(TraceError::Remote(*pid));
                }
                let cell = rt.cell(*pid).ok_or(TraceError::NoProcess(*pid))?;
                if cell.tracing.trace_id().is_some() {
                    return Err(TraceError::Traced(pid.to_string()));
                }
                let state = rt.tracing.add(spec.clone());
                cell.tracing.attach(&state);
                state
            }
            TraceTarget::Module(name) => {
                let running =
                    |e: &dashmap::mapref::multiple::RefMulti<'_, Pid, Arc<ProcessCell>>| {
                        e.value().module().is_some_and(|m| m.name() == name)
                    };
                let loaded = rt.versions.resolve(name).is_some();
                if !loaded && !rt.processes.iter().any(|e| running(&e)) {
                    return Err(TraceError::NoModule(name.clone()));
                }
                if rt.tracing.of_module(name).is_some() {
                    return Err(TraceError::Traced(format!("module {name}")));
                }
                let state = rt.tracing.add(spec.clone());
                for e in rt.processes.iter().filter(|e| running(e)) {
                    if e.value().tracing.trace_id().is_none() {
                        e.value().tracing.attach(&state);
                    }
                }
                state
            }
        };
        Ok(Trace {
            state,
            rt: Arc::downgrade(rt),
        })
    }
}

impl Trace {
    /// The trace's number on its node (from 1).
    pub fn id(&self) -> u64 {
        self.state.id
    }

    /// What it traces and its rails.
    pub fn spec(&self) -> &TraceSpec {
        &self.state.spec
    }

    /// Moves the events that came since the last call into `out`, oldest first; returns
    /// why the trace stopped, once it has (the events before the stop come first).
    pub fn drain(&self, out: &mut Vec<TraceEvent>) -> Option<StopReason> {
        self.state.drain(out)
    }

    /// Events dropped because nobody drained them in time.
    pub fn dropped(&self) -> u64 {
        self.state
            .dropped
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stops it (a stop that came first, by a rail, stays the reason).
    pub fn stop(&self) {
        self.state.stop(StopReason::Off);
        let Some(rt) = self.rt.upgrade() else {
            return;
        };
        rt.tracing.remove(self.state.id);
        match &self.state.spec.target {
            TraceTarget::Pid(pid) => {
                if let Some(cell) = rt.cell(*pid) {
                    cell.tracing.detach(Some(self.state.id));
                }
            }
            TraceTarget::Module(_) => {
                for e in rt.processes.iter() {
                    e.value().tracing.detach(Some(self.state.id));
                }
            }
        }
    }
}

impl Drop for Trace {
    fn drop(&mut self) {
        self.stop();
    }
}
