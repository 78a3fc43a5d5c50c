//! The wasmtime engine every process shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, WasmBacktraceDetails};

use super::RuntimeConfig;
use super::arena::{Memories, Stacks};
use crate::error::Error;

/// Bytes of a fiber stack: the wasm frames' share ([`WASM_STACK`]) and the rest for host
/// frames above them.
const FIBER_STACK: usize = 1 << 20;
/// The most bytes of native stack wasm frames may use; deeper recursion traps.
const WASM_STACK: usize = 512 << 10;

/// Builds the engine: fuel accounting for exact per-process compute use and limits, epoch
/// interruption for preemption, and memories and stacks from grain's arena (see
/// `arena.rs`): no address-space reservation and no guard region per memory, so compiled
/// code bounds-checks every access and a million processes fit in the kernel's default
/// limits.
pub(crate) fn build(config: &RuntimeConfig) -> Result<Engine, Error> {
    let mut wasm = Config::new();
    wasm.consume_fuel(config.count_fuel)
        .epoch_interruption(true)
        .wasm_backtrace_max_frames(std::num::NonZeroUsize::new(
            crate::backtrace::MAX_FRAMES + 1,
        ))
        .wasm_backtrace_details(WasmBacktraceDetails::Disable)
        // A coredump copies the trapped process's memories: only when asked for.
        .coredump_on_trap(config.coredump_dir.is_some())
        .allocation_strategy(InstanceAllocationStrategy::OnDemand)
        .memory_reservation(0)
        .memory_guard_size(0)
        .memory_reservation_for_growth(0)
        .memory_may_move(true)
        .memory_init_cow(false)
        .guard_before_linear_memory(false)
        .async_stack_size(FIBER_STACK)
        .max_wasm_stack(WASM_STACK)
        .with_host_memory(Memories::new())
        .with_host_stack(Stacks::new(FIBER_STACK));
    Engine::new(&wasm).map_err(|e| Error::Engine(format!("{e:#}")))
}

/// Advances the engine's epoch every `slice` until `stop` is set: each tick makes the
/// running guest yield to the scheduler.
pub(crate) fn start_ticker(engine: Engine, slice: Duration, stop: Arc<AtomicBool>) {
    std::thread::Builder::new()
        .name("grain-epoch".into())
        .spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(slice);
                engine.increment_epoch();
            }
        })
        .expect("spawn the epoch thread");
}
