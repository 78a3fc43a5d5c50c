//! The process's side of an upgrade: with the old code parked in `handoff`, its task
//! starts the new code in a fresh store and either goes on with it or resumes the old.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::Store;

use super::upgrade::{Upgrade, UpgradeError};
use super::{CODE_CHANGE_EXPORT, CODE_RESUME_EXPORT, HANDOFF_FAILED, HANDOFF_REFUSED};
use crate::exit::ExitReason;
use crate::module::Module;
use crate::observe::EventKind;
use crate::process::{ProcessCell, ProcessState};
use crate::runtime::RuntimeInner;

/// New code that took a process's state over: the task goes on calling `resume`.
pub(crate) struct Next {
    pub store: Store<ProcessState>,
    pub resume: wasmtime::Func,
}

/// The least time the new code gets, even when the old one handed over at the deadline.
const LEAST: Duration = Duration::from_millis(100);

/// Runs the upgrade the old code of `cell` just handed its state to. `Some` when the new
/// code took over; `None` after a rollback, when the old code goes on.
pub(crate) async fn switch(rt: &Arc<RuntimeInner>, cell: &Arc<ProcessCell>) -> Option<Next> {
    let (from, to, deadline, state_bytes) = rt.upgrades.handed_off(cell.pid)?;
    let memory = cell.stats.memory_bytes();
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(LEAST);
    let outcome = match tokio::time::timeout(left, take_over(rt, cell, &from, &to)).await {
        Ok(outcome) => outcome,
        Err(_) => Err((
            HANDOFF_FAILED,
            format!("{} did not take the state over within {left:?}", to.label()),
        )),
    };
    let asked = rt.upgrades.take(cell.pid)?;
    let (from_label, to_label) = (from.label(), to.label());
    match outcome {
        Ok(next) => {
            if let Some(old) = cell.set_module(to.clone())
                && old.leave()
            {
                rt.versions.sweep(old.name());
            }
            // Kept again if a newer load dropped it meanwhile (nobody ran it then).
            rt.versions.keep(&to);
            cell.unpark();
            let took = asked.asked.elapsed();
            rt.emit(
                cell.pid,
                EventKind::Upgraded {
                    from: from_label.clone(),
                    to: to_label.clone(),
                    micros: took.as_micros() as u64,
                    state_bytes: state_bytes as u64,
                },
            );
            let _ = asked.reply.send(Ok(Upgrade {
                pid: cell.pid,
                from: from_label,
                to: to_label,
                took,
                state_bytes,
            }));
            Some(next)
        }
        Err((code, reason)) => {
            cell.stats.set_memory_bytes(memory);
            rt.emit(
                cell.pid,
                EventKind::UpgradeFailed {
                    to: to_label,
                    reason: reason.clone(),
                },
            );
            if let Some(handoff) = asked.handoff {
                let _ = handoff.verdict.send(code);
            }
            let _ = asked.reply.send(Err(UpgradeError::RolledBack {
                pid: cell.pid,
                from: from_label,
                reason,
            }));
            None
        }
    }
}

/// Instantiates `to` for the process and lets it take the state: `Err` with the code the
/// old code hears and the reason the requester reads.
async fn take_over(
    rt: &Arc<RuntimeInner>,
    cell: &Arc<ProcessCell>,
    from: &Module,
    to: &Module,
) -> Result<Next, (i32, String)> {
    let failed = |reason: ExitReason| (HANDOFF_FAILED, format!("{}: {reason}", to.label()));
    let fuel_start = cell.config.fuel_limit().unwrap_or(u64::MAX);
    let fuel = fuel_start.saturating_sub(cell.stats.fuel_used());
    let mut store =
        crate::process::new_store(rt, cell, to.clone(), fuel_start, fuel).map_err(failed)?;
    let instance = crate::process::instantiate(cell, &mut store)
        .await
        .map_err(failed)?;
    let missing = |name| {
        (
            HANDOFF_FAILED,
            format!("{} exports no `{name}`", to.label()),
        )
    };
    let change = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, CODE_CHANGE_EXPORT)
        .map_err(|_| missing(CODE_CHANGE_EXPORT))?;
    let resume = instance
        .get_func(&mut store, CODE_RESUME_EXPORT)
        .ok_or_else(|| missing(CODE_RESUME_EXPORT))?;
    let len = rt.upgrades.state(cell.pid).map_or(0, |s| s.len());
    let answer = change
        .call_async(&mut store, (from.version() as i32, len as i32))
        .await
        .map_err(|e| failed(crate::exit::classify(&e)))?;
    if answer != 0 {
        let reason = format!(
            "{} refused the state ({CODE_CHANGE_EXPORT} returned {answer})",
            to.label()
        );
        return Err((HANDOFF_REFUSED, reason));
    }
    Ok(Next { store, resume })
}
