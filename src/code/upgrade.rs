//! Upgrades asked for: the table the requester, the old code's `handoff` and the process's
//! task meet in, and the requester's side (`Runtime::upgrade`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::{CODE_CHANGE_EXPORT, CODE_CHANGE_TAG, CODE_RESUME_EXPORT};
use crate::message::{DataMessage, Message};
use crate::module::Module;
use crate::{Pid, Runtime};

/// A process moved onto new code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    /// The process, whose pid did not change.
    pub pid: Pid,
    /// The code it ran (`name@version`).
    pub from: String,
    /// The code it runs now.
    pub to: String,
    /// From the request to the new code taking over.
    pub took: Duration,
    /// The size of the state the old code handed over.
    pub state_bytes: usize,
}

/// Why an upgrade did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpgradeError {
    /// No such process.
    #[error("no process {0}")]
    NoProcess(Pid),
    /// A host process (the shell, a supervisor) runs no wasm code.
    #[error("{0} is a host process: it runs no wasm code")]
    HostProcess(Pid),
    /// It already runs that code.
    #[error("{pid} already runs {code}")]
    SameCode {
        /// The process.
        pid: Pid,
        /// Its code.
        code: String,
    },
    /// The new code lacks an export of the protocol.
    #[error(
        "{module} exports no `{missing}`, so it cannot take a running process's state over (`upgrade --restart` restarts the process on it instead)"
    )]
    NoProtocol {
        /// The new code.
        module: String,
        /// The export it lacks.
        missing: &'static str,
    },
    /// The running code cannot hand its state over: it does not import
    /// `grain::code::handoff` (so it is never sent the code-change message).
    #[error(
        "{pid} runs {code}, which does not import grain::code::handoff, so it cannot hand its state over (`upgrade --restart` restarts it on the new code)"
    )]
    CannotHandOver {
        /// The process.
        pid: Pid,
        /// The code it runs.
        code: String,
    },
    /// Another upgrade of the process is under way.
    #[error("{0} is already being upgraded")]
    Busy(Pid),
    /// The old code did not call `handoff` in time.
    #[error(
        "{pid} did not hand its state over within {after:?}: its code does not answer the code-change message, or it is busy (`upgrade --restart` restarts it on the new code)"
    )]
    NoHandoff {
        /// The process.
        pid: Pid,
        /// The timeout.
        after: Duration,
    },
    /// The new code refused or failed; the old code goes on.
    #[error("rolled back: {reason}; {pid} goes on running {from}")]
    RolledBack {
        /// The process.
        pid: Pid,
        /// The code it goes on running.
        from: String,
        /// What went wrong.
        reason: String,
    },
    /// The process ended before the upgrade was done.
    #[error("{0} ended during the upgrade")]
    Ended(Pid),
}

/// An upgrade asked for and not done yet.
pub(crate) struct Asked {
    pub from: Module,
    pub to: Module,
    pub deadline: Instant,
    pub asked: Instant,
    pub reply: oneshot::Sender<Result<Upgrade, UpgradeError>>,
    /// Set once the old code called `handoff`.
    pub handoff: Option<Handoff>,
}

/// What the old code handed over, and how to tell it the outcome.
pub(crate) struct Handoff {
    pub state: Arc<[u8]>,
    pub verdict: oneshot::Sender<i32>,
}

/// The upgrades under way, by pid.
#[derive(Default)]
pub(crate) struct Upgrades {
    asked: Mutex<HashMap<Pid, Asked>>,
    /// How many there are: an exit looks at the table only when it is not empty.
    count: AtomicUsize,
}

impl Upgrades {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Pid, Asked>> {
        self.asked.lock().expect("upgrades lock")
    }

    fn ask(&self, pid: Pid, asked: Asked) -> Result<(), UpgradeError> {
        let mut map = self.lock();
        if map.contains_key(&pid) {
            return Err(UpgradeError::Busy(pid));
        }
        map.insert(pid, asked);
        self.count.store(map.len(), Ordering::Release);
        Ok(())
    }

    /// The old code of `pid` hands `state` over: the receiver gets the verdict (if the new
    /// code takes over, the old code never hears one). `None` if nothing asked for it.
    pub fn hand_off(&self, pid: Pid, state: Vec<u8>) -> Option<oneshot::Receiver<i32>> {
        let mut map = self.lock();
        let asked = map.get_mut(&pid).filter(|a| a.handoff.is_none())?;
        let (verdict, rx) = oneshot::channel();
        asked.handoff = Some(Handoff {
            state: state.into(),
            verdict,
        });
        Some(rx)
    }

    /// The state handed over for `pid`, while its new code takes it.
    pub fn state(&self, pid: Pid) -> Option<Arc<[u8]>> {
        let map = self.lock();
        Some(map.get(&pid)?.handoff.as_ref()?.state.clone())
    }

    /// What the switch needs: the code from and to, the deadline and the state.
    pub fn handed_off(&self, pid: Pid) -> Option<(Module, Module, Instant, usize)> {
        let map = self.lock();
        let a = map.get(&pid)?;
        let len = a.handoff.as_ref()?.state.len();
        Some((a.from.clone(), a.to.clone(), a.deadline, len))
    }

    /// Removes the upgrade of `pid`, done or abandoned.
    pub fn take(&self, pid: Pid) -> Option<Asked> {
        if self.count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut map = self.lock();
        let asked = map.remove(&pid);
        self.count.store(map.len(), Ordering::Release);
        asked
    }

    /// Abandons the upgrade of `pid` if its old code has not handed over yet.
    fn cancel(&self, pid: Pid) -> bool {
        let mut map = self.lock();
        if map.get(&pid).is_some_and(|a| a.handoff.is_none()) {
            map.remove(&pid);
            self.count.store(map.len(), Ordering::Release);
            return true;
        }
        false
    }
}

/// Abandons an upgrade whose requester gave up (its future was dropped).
struct Abandon<'a>(&'a Upgrades, Pid);

impl Drop for Abandon<'_> {
    fn drop(&mut self) {
        self.0.cancel(self.1);
    }
}

impl Runtime {
    /// Moves process `pid` onto `to` in place: its pid, mailbox (messages sent meanwhile
    /// included), links, monitors, names and limits stay; the old code hands its state to
    /// the new one (see [`crate::code`]). Waits at most `timeout` for the old code to hand
    /// over and the new code to take over.
    ///
    /// # Errors
    /// When the process is not a wasm process, the new code lacks the protocol's exports,
    /// the old code does not hand over in time, or the new code refuses or fails (then the
    /// old code goes on: a rollback).
    pub async fn upgrade(
        &self,
        pid: Pid,
        to: &Module,
        timeout: Duration,
    ) -> Result<Upgrade, UpgradeError> {
        let cell = self.inner.cell(pid).ok_or(UpgradeError::NoProcess(pid))?;
        let from = cell.module().ok_or(UpgradeError::HostProcess(pid))?;
        if from.id() == to.id() {
            let code = from.label();
            return Err(UpgradeError::SameCode { pid, code });
        }
        let missing = |missing| UpgradeError::NoProtocol {
            module: to.label(),
            missing,
        };
        let change = to.function(CODE_CHANGE_EXPORT);
        if !change.is_some_and(|f| f.params().len() == 2 && f.results().len() == 1) {
            return Err(missing(CODE_CHANGE_EXPORT));
        }
        let resume = to.function(CODE_RESUME_EXPORT);
        if resume.is_none_or(|f| f.params().len() != 0) {
            return Err(missing(CODE_RESUME_EXPORT));
        }
        // A guest that cannot answer the code-change message is never sent one: it might
        // take it for one of its own messages.
        if !from.imports_function("grain::code", "handoff") {
            let code = from.label();
            return Err(UpgradeError::CannotHandOver { pid, code });
        }
        let (reply, mut answer) = oneshot::channel();
        let asked = Instant::now();
        let versions = [from.version(), to.version()];
        self.inner.upgrades.ask(
            pid,
            Asked {
                from,
                to: to.clone(),
                deadline: asked + timeout,
                asked,
                reply,
                handoff: None,
            },
        )?;
        let _abandon = Abandon(&self.inner.upgrades, pid);
        let mut body = versions[0].to_le_bytes().to_vec();
        body.extend_from_slice(&versions[1].to_le_bytes());
        cell.deliver(Message::Data(DataMessage::new(CODE_CHANGE_TAG, body)));
        match tokio::time::timeout(timeout, &mut answer).await {
            Ok(answer) => answer.unwrap_or(Err(UpgradeError::Ended(pid))),
            Err(_) if self.inner.upgrades.cancel(pid) => Err(UpgradeError::NoHandoff {
                pid,
                after: timeout,
            }),
            // Handed over: the new code is bound by the same deadline.
            Err(_) => answer.await.unwrap_or(Err(UpgradeError::Ended(pid))),
        }
    }
}
