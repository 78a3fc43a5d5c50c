//! The wasmtime engine every process shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, WasmBacktraceDetails,
};

use super::RuntimeConfig;
use crate::error::Error;

/// Builds the engine: fuel accounting for exact per-process compute use and limits, epoch
/// interruption for preemption, and the pooling allocator sized for `max_processes`.
pub(crate) fn build(config: &RuntimeConfig) -> Result<Engine, Error> {
    let slots = u32::try_from(config.max_processes).unwrap_or(u32::MAX);
    let mut pool = PoolingAllocationConfig::default();
    pool.total_core_instances(slots)
        .total_memories(slots)
        .total_tables(slots)
        .total_stacks(slots)
        .max_memory_size(4 << 30);
    let mut wasm = Config::new();
    wasm.consume_fuel(true)
        .epoch_interruption(true)
        .wasm_backtrace_max_frames(std::num::NonZeroUsize::new(64))
        .wasm_backtrace_details(WasmBacktraceDetails::Disable)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
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
