//! The task that drives a process: runs the guest, handles signals, and cleans up at exit.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::Poll;

use wasmtime::{Store, Val};

use super::store::{instantiate, new_store, spawn_failure};
use super::{ProcessCell, ProcessState, Signal};
use crate::Pid;
use crate::exit::{ExitReason, classify};
use crate::message::Message;
use crate::module::Module;
use crate::observe::{EventKind, Status};
use crate::runtime::RuntimeInner;

/// Runs a process to its end.
pub(crate) async fn run(
    rt: Arc<RuntimeInner>,
    cell: Arc<ProcessCell>,
    mut signals: super::signals::SignalReceiver,
    module: Module,
    params: Vec<Val>,
) {
    let reason = {
        let guest = execute(rt.clone(), cell.clone(), module, params);
        tokio::pin!(guest);
        // Signals first, then the guest: a `select!` by hand, which costs less per poll.
        std::future::poll_fn(|cx| {
            while let Poll::Ready(signal) = signals.poll_recv(cx, &cell.signals) {
                match signal {
                    Signal::Kill => return Poll::Ready(ExitReason::Killed),
                    Signal::Exit(reason) => return Poll::Ready(reason),
                    Signal::LinkDied { pid, .. }
                        if cell.die_when_link_dies.load(Ordering::Relaxed) =>
                    {
                        return Poll::Ready(ExitReason::LinkDied { pid });
                    }
                    Signal::LinkDied { pid, tag } => cell.deliver(Message::LinkDied { pid, tag }),
                }
            }
            guest
                .as_mut()
                .poll(cx)
                .map(|reason| settle(&cell, &mut signals, reason))
        })
        .await
        // Dropping the guest future here drops its Store: the instance is gone before anybody
        // hears of the death.
    };
    rt.finish(&cell, reason);
}

/// A kill (or a fatal link death) that arrived while the guest ran its last slice came
/// before the end: it decides the fate, as it would have a moment earlier.
fn settle(
    cell: &ProcessCell,
    signals: &mut super::signals::SignalReceiver,
    reason: ExitReason,
) -> ExitReason {
    while let Some(signal) = signals.try_recv(&cell.signals) {
        match signal {
            Signal::Kill => return ExitReason::Killed,
            Signal::Exit(r) => return r,
            Signal::LinkDied { pid, .. } if cell.die_when_link_dies.load(Ordering::Relaxed) => {
                return ExitReason::LinkDied { pid };
            }
            Signal::LinkDied { pid, tag } => cell.deliver(Message::LinkDied { pid, tag }),
        }
    }
    reason
}

/// Instantiates the module and calls the entry function.
async fn execute(
    rt: Arc<RuntimeInner>,
    cell: Arc<ProcessCell>,
    module: Module,
    params: Vec<Val>,
) -> ExitReason {
    // What the parent does right after spawning this process comes first (start_gate).
    if let Some(parent) = cell.parent.and_then(|p| rt.cell(p)) {
        super::start_gate::wait_for_yield(&parent, cell.parent_mark, rt.config.count_fuel).await;
    }
    let fuel = cell.config.fuel_limit().unwrap_or(u64::MAX);
    let mut store = match new_store(&rt, &cell, module, fuel, fuel) {
        Ok(store) => store,
        Err(reason) => return reason,
    };
    let instance = match instantiate(&cell, &mut store).await {
        Ok(instance) => instance,
        Err(reason) => return reason,
    };
    cell.stats.set_status(Status::Running);
    let Some(func) = instance.get_func(&mut store, &cell.function) else {
        return spawn_failure(format!("no exported function {:?}", cell.function));
    };
    run_guest(&rt, &cell, store, func, params).await
}

/// Calls `func` until it returns or traps; an upgrade in between (`code::switch`) goes on
/// with the new code's store and resume function.
async fn run_guest(
    rt: &Arc<RuntimeInner>,
    cell: &Arc<ProcessCell>,
    mut store: Store<ProcessState>,
    mut func: wasmtime::Func,
    mut params: Vec<Val>,
) -> ExitReason {
    loop {
        let mut results = vec![Val::I32(0); func.ty(&store).results().len()];
        let next = {
            let call = func.call_async(&mut store, &params, &mut results);
            tokio::pin!(call);
            loop {
                // The old code's `handoff` sets the flag and parks: then the switch runs
                // here, beside the parked call, which it resumes on a rollback.
                let step = std::future::poll_fn(|cx| match call.as_mut().poll(cx) {
                    std::task::Poll::Ready(outcome) => std::task::Poll::Ready(Some(outcome)),
                    std::task::Poll::Pending if cell.upgrading.load(Ordering::Acquire) => {
                        std::task::Poll::Ready(None)
                    }
                    std::task::Poll::Pending => std::task::Poll::Pending,
                })
                .await;
                match step {
                    Some(outcome) => break Err(outcome),
                    None => {
                        cell.upgrading.store(false, Ordering::Release);
                        if let Some(next) = crate::code::switch(rt, cell).await {
                            break Ok(next);
                        }
                    }
                }
            }
        };
        match next {
            // The old call and its store are dropped here.
            Ok(next) => (store, func, params) = (next.store, next.resume, Vec::new()),
            Err(outcome) => {
                if let Ok(left) = store.get_fuel() {
                    cell.stats.set_fuel_used(store.data().fuel_start - left);
                }
                return match outcome {
                    Ok(()) => ExitReason::Normal,
                    Err(e) => {
                        super::coredump::save(rt, cell, &e, &mut store);
                        classify(&e)
                    }
                };
            }
        }
    }
}

impl RuntimeInner {
    /// Kills a process. One that is not executing (starting, or parked in a host call) ends
    /// at once, as an Erlang exit signal does: its links fail and its monitors hear now, not
    /// when the scheduler next gets to it; its task only cleans up. A running one ends at
    /// its next yield.
    pub(crate) fn kill(&self, cell: &Arc<ProcessCell>) {
        self.end(cell, ExitReason::Killed);
    }

    /// Ends a process with `reason`, as [`RuntimeInner::kill`] does.
    pub(crate) fn end(&self, cell: &Arc<ProcessCell>, reason: ExitReason) {
        let signal = match &reason {
            ExitReason::Killed => Signal::Kill,
            other => Signal::Exit(other.clone()),
        };
        cell.signal(signal);
        if matches!(cell.stats.status(), Status::Starting | Status::Waiting) {
            self.finish(cell, reason);
        }
    }

    /// Everything that happens when a process ends, in order: its exit is remembered, it
    /// leaves the process table and the registry, observers get the event, its monitors
    /// hear of it, its links fail (when it failed), and waiters wake.
    pub(crate) fn finish(&self, cell: &Arc<ProcessCell>, reason: ExitReason) {
        if cell.finished.swap(true, Ordering::AcqRel) {
            return;
        }
        // Counted first: from here until `finished_total` catches up the exit is in
        // progress (`Runtime::exits_in_progress`), with no gap before the status says so.
        self.exited_total.fetch_add(1, Ordering::AcqRel);
        cell.stats.set_status(Status::Exited);
        cell.start_gate.open_now();
        if let Some(module) = cell.module()
            && module.leave()
        {
            self.versions.sweep(module.name());
        }
        // An upgrade waiting for it hears it ended (its reply is dropped).
        drop(self.upgrades.take(cell.pid));
        // Remembered before it leaves the table, so a pid is always either alive or
        // remembered (the shell's `info` asks for one, then the other), and before anybody
        // hears of it (a supervisor may restart it, and somebody ask how it ended, before
        // this function returns).
        self.remember_exit(cell, &reason);
        self.processes.remove(&cell.pid);
        if cell.registered.load(Ordering::Relaxed) {
            for name in self.registry.remove_pid(cell.pid) {
                self.emit(cell.pid, EventKind::Unregistered { name });
            }
        }
        // Observers see the exit before anybody hears of it, so a restart never shows
        // before the exit it answers.
        self.limit_hit_at_exit(cell, &reason);
        self.counters.ended(cell, &reason);
        self.trace_exit(cell, &reason);
        self.emit(
            cell.pid,
            EventKind::Exited {
                reason: reason.clone(),
            },
        );
        let relations = {
            let mut rel = cell.relations();
            rel.dead = true;
            std::mem::take(&mut *rel)
        };
        // Monitors hear first: their notice goes straight into the mailbox, while a link's
        // signal is turned into a notice (or a death) by the linked process's own task, on
        // whichever thread runs it; this order keeps the two notices in one order.
        let remote = |pids: &mut Vec<Pid>, pid: Pid| {
            let far = !self.is_local(pid);
            if far {
                pids.push(pid);
            }
            !far
        };
        let (mut far_links, mut far_watchers, mut far_targets) =
            (Vec::new(), Vec::new(), Vec::new());
        for pid in relations.monitored_by {
            if !remote(&mut far_watchers, pid) {
                continue;
            }
            if let Some(other) = self.cell(pid) {
                other.relations().monitoring.remove(&cell.pid);
                other.deliver(Message::ProcessDied {
                    pid: cell.pid,
                    reason: Some(reason.clone()),
                });
            }
        }
        for (pid, tag) in relations.links {
            if !remote(&mut far_links, pid) {
                continue;
            }
            if let Some(other) = self.cell(pid) {
                other.relations().links.remove(&cell.pid);
                if reason.is_failure() {
                    other.signal(Signal::LinkDied { pid: cell.pid, tag });
                }
            }
        }
        if let (Some(key), true) = (&cell.spawn_key, reason.is_failure())
            && let Some(parent) = cell.parent.and_then(|p| self.cell(p))
        {
            parent.lineage.failed(key, cell.pid, reason.clone());
        }
        for pid in relations.monitoring {
            if !remote(&mut far_targets, pid) {
                continue;
            }
            if let Some(other) = self.cell(pid) {
                other.relations().monitored_by.remove(&cell.pid);
            }
        }
        self.notify_remote(cell, &far_links, &far_watchers, &far_targets, &reason);
        cell.inspector.close();
        cell.set_exit(reason);
        self.finished_total.fetch_add(1, Ordering::Release);
    }
}
