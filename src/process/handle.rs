//! The public handle on a process: what the host (the shell, the observer, an embedder)
//! may ask of it.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{ProcessCell, Signal};
use crate::config::ProcessConfig;
use crate::message::{DataMessage, Message};
use crate::module::Module;
use crate::observe::StatsSlot;
use crate::{ExitReason, Pid};

/// A handle on a process, alive or ended. Cheap to clone.
#[derive(Clone)]
pub struct Process {
    pub(crate) cell: Arc<ProcessCell>,
}

impl Process {
    /// Its pid.
    pub fn pid(&self) -> Pid {
        self.cell.pid
    }

    /// Does a trace follow it?
    pub fn is_traced(&self) -> bool {
        self.cell.tracing.trace_id().is_some()
    }

    /// The process that spawned it, if a process did.
    pub fn parent(&self) -> Option<Pid> {
        self.cell.parent
    }

    /// The module it runs now (`None` for a host process such as the shell); another one
    /// after an upgrade.
    pub fn module(&self) -> Option<Module> {
        self.cell.module()
    }

    /// The module's name, or `host` for a host process.
    pub fn module_name(&self) -> String {
        self.cell.module_name()
    }

    /// What code it runs: `name@version` of its module, or `host`.
    pub fn code(&self) -> String {
        self.cell.code()
    }

    /// What it runs: the function it was started with or, for a lunatic-rs process started
    /// through the spawn trampoline, the function the trampoline calls (e.g.
    /// `bench::spawn_parked::{{closure}}`).
    pub fn function(&self) -> &str {
        self.cell.runs()
    }

    /// The export it was started with (the trampoline's name for a lunatic-rs process).
    pub fn export(&self) -> &str {
        &self.cell.function
    }

    /// Its configuration (limits, permissions, sandbox).
    pub fn config(&self) -> &ProcessConfig {
        &self.cell.config
    }

    /// The id of its environment (0 is the host's).
    pub fn environment_id(&self) -> u64 {
        self.cell.env.id
    }

    /// Its stats slot.
    pub fn stats(&self) -> &StatsSlot {
        &self.cell.stats
    }

    /// The number of messages in its mailbox.
    pub fn mailbox_len(&self) -> usize {
        self.cell.mailbox.len()
    }

    /// Host memory its queued messages take.
    pub fn mailbox_bytes(&self) -> usize {
        self.cell.mailbox.bytes()
    }

    /// The memory it holds: its linear memory and its queued messages.
    pub fn memory_total(&self) -> u64 {
        self.cell.memory_total()
    }

    /// Its links, with their tags.
    pub fn links(&self) -> Vec<(Pid, Option<i64>)> {
        let mut links: Vec<_> = self
            .cell
            .relations()
            .links
            .iter()
            .map(|(p, t)| (*p, *t))
            .collect();
        links.sort();
        links
    }

    /// The processes monitoring it.
    pub fn monitored_by(&self) -> Vec<Pid> {
        let mut pids: Vec<_> = self.cell.relations().monitored_by.iter().copied().collect();
        pids.sort();
        pids
    }

    /// The processes it monitors.
    pub fn monitoring(&self) -> Vec<Pid> {
        let mut pids: Vec<_> = self.cell.relations().monitoring.iter().copied().collect();
        pids.sort();
        pids
    }

    /// Does it trap link deaths (receive them as messages) rather than die with its links?
    pub fn traps_link_deaths(&self) -> bool {
        !self.cell.die_when_link_dies.load(Ordering::Relaxed)
    }

    /// Why it ended, if it has.
    pub fn exit_reason(&self) -> Option<ExitReason> {
        self.cell.exit.get().cloned()
    }

    /// Is it still running?
    pub fn is_alive(&self) -> bool {
        self.exit_reason().is_none()
    }

    /// Waits until it ends and returns why.
    pub async fn wait(&self) -> ExitReason {
        loop {
            // Registered before the check, so a `set_exit` in between still wakes us.
            let notified = self.cell.exited.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(reason) = self.cell.exit.get() {
                return reason.clone();
            }
            notified.await;
        }
    }

    /// Reads `len` bytes of its linear memory at `addr`. The process answers itself at its
    /// next safe point (see [`InspectError`](super::InspectError)); nothing reads a running
    /// instance from outside.
    ///
    /// # Errors
    /// When it has ended, does not answer within a second, or the range is out of bounds.
    pub async fn read_memory(&self, addr: u64, len: u64) -> Result<Vec<u8>, super::InspectError> {
        if !self.is_alive() {
            return Err(super::InspectError::Exited);
        }
        let wait = std::time::Duration::from_secs(1);
        self.cell.inspector.read(addr, len, wait).await
    }

    /// Kills it (no effect if it has ended).
    pub fn kill(&self) {
        match self.cell.rt.upgrade() {
            Some(rt) => rt.kill(&self.cell),
            None => self.cell.signal(Signal::Kill),
        }
    }

    /// Ends it with `reason` (Erlang's `exit(Pid, Reason)`): like a kill, its links fail
    /// unless the reason is `Normal`; monitors see the reason.
    pub fn exit_with(&self, reason: ExitReason) {
        self.cell.signal(Signal::Exit(reason));
    }

    /// Sends it a data message with `tag` (0 = untagged) from the host.
    pub fn send(&self, tag: i64, bytes: Vec<u8>) {
        self.cell
            .deliver(Message::Data(DataMessage::new(tag, bytes)));
    }

    /// Calls `f` with its queued messages, without taking them.
    pub fn peek_mailbox<R>(&self, f: impl FnOnce(&std::collections::VecDeque<Message>) -> R) -> R {
        self.cell.mailbox.peek(f)
    }
}

impl std::fmt::Debug for Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Process")
            .field("pid", &self.cell.pid)
            .field("module", &self.cell.code())
            .field("function", &self.cell.function)
            .finish()
    }
}
