//! The memory limit of a process, enforced by a wasmtime `ResourceLimiter`.

use std::sync::Arc;

use super::ProcessCell;

/// The process tried to grow its memory past its limit. This traps the process.
#[derive(Debug, thiserror::Error)]
#[error("memory limit exceeded: growing to {desired} bytes, the limit is {limit} bytes")]
pub struct MemoryLimitExceeded {
    /// The size the guest asked for.
    pub desired: u64,
    /// The process's limit.
    pub limit: u64,
}

/// Enforces `max_memory` and records memory size in the stats slot.
pub(crate) struct Limiter {
    pub max_memory: Option<u64>,
    pub cell: Arc<ProcessCell>,
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let desired = desired as u64;
        if let Some(limit) = self.max_memory
            && desired > limit
        {
            return Err(MemoryLimitExceeded { desired, limit }.into());
        }
        if maximum.is_some_and(|max| desired > max as u64) {
            return Ok(false);
        }
        self.cell.stats.set_memory_bytes(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(maximum.is_none_or(|max| desired <= max))
    }
}

/// The process killed itself (`lunatic::process::kill` on its own pid): it ends at once, as
/// `Killed`, rather than at its next yield.
#[derive(Debug, thiserror::Error)]
#[error("killed itself")]
pub struct KilledItself;
