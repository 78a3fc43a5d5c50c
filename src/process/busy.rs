//! Is a process about to do something? The shell waits for the processes a command set
//! going, and only for them, before it prints the command's output: it asks this of each.

use crate::Pid;
use crate::observe::{HostCall, Status};
use crate::runtime::Runtime;

use super::{Process, ProcessCell};

impl ProcessCell {
    fn is_busy(&self) -> bool {
        match self.stats.status() {
            Status::Starting | Status::Running => true,
            Status::Exited => false,
            Status::Waiting => {
                self.signals.is_pending()
                    || match self.stats.host_call() {
                        Some((HostCall::Receive | HostCall::SendReceive, _)) => {
                            !self.mailbox.is_awaited()
                        }
                        Some((
                            HostCall::CompileModule | HostCall::RemoteSpawn | HostCall::Handoff,
                            _,
                        )) => true,
                        Some((HostCall::Sleep | HostCall::Network, _)) | None => false,
                    }
            }
        }
    }
}

impl Process {
    /// Is it running or about to run: starting, executing (or runnable), woken from a
    /// `receive` by a message it has not looked at yet, holding signals it has not handled,
    /// or in a short host call that ends by itself (compiling a module, a remote spawn)?
    /// A process parked in `receive` with nothing new, sleeping, or waiting on the network
    /// is not: nothing it will do is under way.
    pub fn is_busy(&self) -> bool {
        self.cell.is_busy()
    }
}

impl Runtime {
    /// The processes that are busy now (see [`Process::is_busy`]), each with the time
    /// slices it has had so far, in no order. Cheaper than asking each of
    /// [`Runtime::processes`]: nothing is copied or sorted for a parked process.
    pub fn busy_processes(&self) -> Vec<(Pid, u64)> {
        self.inner
            .processes
            .iter()
            .filter(|e| e.value().is_busy())
            .map(|e| (*e.key(), e.value().stats.slices()))
            .collect()
    }

    /// Are processes ending right now (their monitors, links and waiters not all told yet)?
    pub fn exits_in_progress(&self) -> bool {
        use std::sync::atomic::Ordering::Acquire;
        self.inner.exited_total.load(Acquire) != self.inner.finished_total.load(Acquire)
    }
}
