//! The memory limit of a process, enforced by a wasmtime `ResourceLimiter`.

use std::sync::Arc;

use super::ProcessCell;
use crate::ExitReason;
use crate::exit::TrapKind;
use crate::observe::{EventKind, Limit};

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

impl crate::runtime::RuntimeInner {
    /// A spawn refused at the node's process limit: the event, and the error to return.
    pub(crate) fn process_limit_hit(&self, spawner: Option<crate::Pid>) -> crate::Error {
        let max = self.config.max_processes;
        self.emit(
            spawner.unwrap_or(crate::Pid(0)),
            EventKind::LimitHit {
                limit: Limit::Processes,
                value: max as u64,
            },
        );
        crate::Error::ProcessLimit(max)
    }

    /// The limit event of a process that a limit ended, if one did.
    pub(crate) fn limit_hit_at_exit(&self, cell: &ProcessCell, reason: &ExitReason) {
        let ExitReason::Trap(trap) = reason else {
            return;
        };
        let (limit, value) = match trap.kind {
            TrapKind::OutOfFuel => (Limit::Fuel, cell.config.fuel_limit()),
            TrapKind::MemoryLimit => (Limit::Memory, cell.config.max_memory),
            TrapKind::MailboxLimit => (Limit::Mailbox, cell.max_mailbox.map(|m| m as u64)),
            _ => return,
        };
        let value = value.unwrap_or(0);
        self.emit(cell.pid, EventKind::LimitHit { limit, value });
    }
}
