//! Host processes: processes driven by Rust code instead of wasm — the shell, supervisors.
//!
//! A host process has a pid, a mailbox, links and monitors like any other and shows in the
//! process table. It always traps link deaths: a linked process that fails leaves a message
//! in its mailbox instead of killing it. It ends when killed, or normally when its handle is
//! dropped.

use std::sync::Arc;
use std::time::Duration;

use super::{Process, ProcessCell, Signal};
use crate::config::ProcessConfig;
use crate::error::Error;
use crate::message::{DataMessage, Message};
use crate::observe::{EventKind, Status};
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

/// A process driven by the host. Dropping it ends the process normally.
pub struct HostProcess {
    process: Process,
    rt: Arc<RuntimeInner>,
}

impl RuntimeInner {
    pub(crate) fn spawn_host(self: &Arc<Self>, name: &str) -> Result<HostProcess, Error> {
        if self.processes.len() >= self.config.max_processes {
            return Err(self.process_limit_hit(None));
        }
        let pid = Pid(self
            .next_pid
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let config = Arc::new(ProcessConfig::root());
        let env = self.root_env.clone();
        let (mut cell, signals) =
            ProcessCell::new(pid, None, None, name.to_owned(), config, env, self.now_us());
        Arc::get_mut(&mut cell).expect("not shared yet").rt = Arc::downgrade(self);
        cell.die_when_link_dies
            .store(false, std::sync::atomic::Ordering::Relaxed);
        cell.stats.set_status(Status::Waiting);
        self.processes.insert(pid, cell.clone());
        self.spawned_total
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.emit(
            pid,
            EventKind::Spawned {
                parent: None,
                module: "host".into(),
                function: name.to_owned(),
            },
        );
        tokio::spawn(run(self.clone(), cell.clone(), signals));
        Ok(HostProcess {
            process: Process { cell },
            rt: self.clone(),
        })
    }
}

async fn run(
    rt: Arc<RuntimeInner>,
    cell: Arc<ProcessCell>,
    mut signals: super::signals::SignalReceiver,
) {
    let reason = loop {
        match signals.recv(&cell.signals).await {
            Signal::Kill => break ExitReason::Killed,
            Signal::Exit(reason) => break reason,
            Signal::LinkDied { pid, tag } => cell.deliver(Message::LinkDied { pid, tag }),
        }
    };
    rt.finish(&cell, reason);
}

impl HostProcess {
    /// The process (pid, mailbox, links...).
    pub fn process(&self) -> &Process {
        &self.process
    }

    /// Its pid.
    pub fn pid(&self) -> Pid {
        self.process.pid()
    }

    /// Sends a data message to `to`, on this node or another (dropped if `to` has ended, as
    /// in Erlang). Returns whether `to` was alive (for another node's process: whether its
    /// node is up).
    pub fn send(&self, to: Pid, tag: i64, bytes: Vec<u8>) -> bool {
        let cell = &self.process.cell;
        cell.stats.count_out();
        let mut data = DataMessage::new(tag, bytes);
        data.sender = Some(cell.pid);
        if !self.rt.is_local(to) {
            return self.rt.send_remote(to, data) == crate::cluster::SendOutcome::Sent;
        }
        match self.rt.cell(to) {
            Some(target) => {
                target.deliver(Message::Data(data));
                true
            }
            None => false,
        }
    }

    /// Takes the first message matching `tags` (`None` = any), waiting up to `timeout`
    /// (`None` = forever).
    pub async fn receive(
        &self,
        tags: Option<&[i64]>,
        timeout: Option<Duration>,
    ) -> Option<Message> {
        let take = self.process.cell.mailbox.take(tags);
        match timeout {
            None => Some(take.await),
            Some(t) => tokio::time::timeout(t, take).await.ok(),
        }
    }

    /// Shows the process parked in `receive` (a host process that acts on what it receives,
    /// as a supervisor does, calls this before it waits and [`HostProcess::resumed`] after).
    pub(crate) fn parked(&self) {
        let cell = &self.process.cell;
        cell.stats
            .enter(crate::observe::HostCall::Receive, self.rt.now_us());
        // Children it spawned while it ran (a supervisor's restarts) wait for this.
        cell.start_gate.open_now();
    }

    /// Shows the process running again, after [`HostProcess::parked`].
    pub(crate) fn resumed(&self) {
        self.process.cell.stats.leave();
    }

    /// Takes the first queued message matching `tags`, without waiting.
    pub fn try_receive(&self, tags: Option<&[i64]>) -> Option<Message> {
        self.process.cell.mailbox.try_take(tags)
    }

    /// Links to `other` with a tag (0 = untagged). Linking to an ended process leaves a
    /// link-died message at once.
    pub fn link(&self, other: Pid, tag: i64) {
        let tag = (tag != 0).then_some(tag);
        self.rt.link_pid(&self.process.cell, other, tag);
    }

    /// Removes the link to `other`.
    pub fn unlink(&self, other: Pid) {
        self.rt.unlink(&self.process.cell, other);
    }

    /// Ends the process with `reason` (its links fail unless the reason is normal).
    pub fn exit(self, reason: ExitReason) {
        self.process.cell.signal(Signal::Exit(reason));
    }

    /// Monitors `other`: its end leaves a process-died message.
    pub fn monitor(&self, other: Pid) {
        self.rt.monitor(&self.process.cell, other);
    }

    /// Stops monitoring `other`.
    pub fn demonitor(&self, other: Pid) {
        self.rt.demonitor(&self.process.cell, other);
    }
}

impl Drop for HostProcess {
    fn drop(&mut self) {
        self.process.cell.signal(Signal::Exit(ExitReason::Normal));
    }
}

impl std::fmt::Debug for HostProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("HostProcess").field(&self.pid()).finish()
    }
}
