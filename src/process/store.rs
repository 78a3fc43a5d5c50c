//! A process's wasmtime store: made with its limits, fuel and preemption, and instantiated
//! (for its start, and again for new code in an upgrade, `code::switch`).

use std::sync::Arc;

use wasmtime::{Store, UpdateDeadline};

use super::{ProcessCell, ProcessState};
use crate::exit::{ExitReason, Trap, TrapKind, classify};
use crate::module::Module;
use crate::runtime::RuntimeInner;

/// Fuel injected at a time (about a millisecond of compute): the staleness bound of the fuel
/// figures an observer sees for a process that makes no calls.
const FUEL_SYNC_INTERVAL: u64 = 1_000_000;

/// A store for `module` running as the process of `cell`, with `fuel` left of `fuel_start`
/// (less than the start after an upgrade, so fuel use counts across it).
pub(crate) fn new_store(
    rt: &Arc<RuntimeInner>,
    cell: &Arc<ProcessCell>,
    module: Module,
    fuel_start: u64,
    fuel: u64,
) -> Result<Store<ProcessState>, ExitReason> {
    let mut store = Store::new(
        &rt.engine,
        ProcessState::new(rt.clone(), cell.clone(), module),
    );
    store.limiter(|state| &mut state.limiter);
    if rt.config.count_fuel {
        store
            .set_fuel(fuel)
            .map_err(|e| spawn_failure(format!("cannot set fuel: {e}")))?;
        store.data_mut().fuel_start = fuel_start;
        // Compiled code keeps the fuel counter in a register between calls; running out of
        // an injected slice syncs it (and yields), so a call-free loop is still seen using
        // fuel.
        store
            .fuel_async_yield_interval(Some(FUEL_SYNC_INTERVAL))
            .map_err(|e| spawn_failure(format!("cannot set the fuel interval: {e}")))?;
    } else if cell.config.fuel_limit().is_some() {
        return Err(spawn_failure(
            "a fuel limit needs a runtime that counts fuel".into(),
        ));
    }
    // Every epoch tick the guest yields to the scheduler, which is how an infinite loop is
    // preempted; the same callback publishes fuel use for the observer.
    store.epoch_deadline_callback(|ctx| {
        let state = ctx.data();
        if let Ok(left) = ctx.get_fuel() {
            state.cell.stats.set_fuel_used(state.fuel_start - left);
        }
        state.cell.end_slice();
        // Not while instantiating: the memory is not known yet (a request waits for the
        // next tick, or for the process to park).
        if state.initialized && state.cell.inspector.wanted() {
            let (cell, memory) = (state.cell.clone(), state.memory);
            cell.inspector.serve(memory.map(|m| m.data(&ctx)));
        }
        Ok(UpdateDeadline::Yield(1))
    });
    store.set_epoch_deadline(1);
    Ok(store)
}

/// Instantiates the store's module and publishes its memory size.
pub(crate) async fn instantiate(
    cell: &ProcessCell,
    store: &mut Store<ProcessState>,
) -> Result<wasmtime::Instance, ExitReason> {
    let pre = store.data().module.pre().clone();
    // Boxed: the instantiation's state machine is big and only lives until here, while the
    // process's own future lives as long as the process.
    let instance = Box::pin(pre.instantiate_async(&mut *store))
        .await
        .map_err(|e| instantiation_failure(&e))?;
    let memory = instance.get_memory(&mut *store, "memory");
    if let Some(memory) = memory {
        cell.stats
            .set_memory_bytes(memory.data_size(&*store) as u64);
    }
    store.data_mut().memory = memory;
    store.data_mut().initialized = true;
    Ok(instance)
}

/// A process that could not start, and why.
pub(crate) fn spawn_failure(message: String) -> ExitReason {
    ExitReason::Trap(Trap::new(TrapKind::Spawn, message))
}

fn instantiation_failure(error: &wasmtime::Error) -> ExitReason {
    match classify(error) {
        ExitReason::Trap(mut trap) if trap.kind == TrapKind::Other => {
            trap.kind = TrapKind::Spawn;
            trap.message = format!("instantiation failed: {}", trap.message);
            ExitReason::Trap(trap)
        }
        other => other,
    }
}
