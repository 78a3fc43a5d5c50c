//! Supervisors (OTP semantics) in the runtime, so the shell and the observer can build and
//! show supervision trees.
//!
//! A supervisor is a host process: it has a pid, shows in the process table, can be linked,
//! monitored and killed. It links to and monitors its children, restarts them by its
//! strategy and their restart types, gives up past its intensity, and stops its children in
//! reverse start order. Every restart is a lifecycle event.

mod app;
mod run;
mod spec;

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

pub use app::{App, AppError, parse_intensity};
pub use spec::{ChildKind, ChildSpec, Intensity, Restart, Strategy, SupervisorSpec};

use crate::error::Error;
use crate::process::Process;
use crate::runtime::Runtime;
use crate::{ExitReason, Pid};

/// A child as its supervisor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildInfo {
    /// Its id.
    pub id: String,
    /// The running incarnation, if any.
    pub pid: Option<Pid>,
    /// How often it was restarted.
    pub restarts: u32,
    /// Its restart type.
    pub restart: Restart,
    /// Is it a supervisor?
    pub supervisor: bool,
    /// What it runs: `module.function` (the current version of `module` at each start),
    /// `module@N.function` (pinned to a version), or `supervisor`.
    pub runs: String,
}

/// A supervisor's state, for `children`, `tree` and the observer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorInfo {
    /// The supervisor.
    pub pid: Pid,
    /// Its strategy.
    pub strategy: Strategy,
    /// Its intensity.
    pub intensity: Intensity,
    /// Its children, in start order.
    pub children: Vec<ChildInfo>,
}

/// What can go wrong asking a supervisor for something.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisorError {
    /// No child has that id.
    #[error("no child {0:?}")]
    NoSuchChild(String),
    /// The supervisor has ended.
    #[error("the supervisor has ended")]
    Ended,
    /// A child could not be started.
    #[error("child {id:?} could not start: {reason}")]
    StartFailed {
        /// The child.
        id: String,
        /// Why.
        reason: String,
    },
}

pub(crate) enum Control {
    Restart(String, oneshot::Sender<Result<Pid, SupervisorError>>),
    Stop(oneshot::Sender<()>),
}

pub(crate) struct Shared {
    pub info: Mutex<SupervisorInfo>,
    pub control: mpsc::UnboundedSender<Control>,
}

/// A handle on a running (or ended) supervisor.
#[derive(Clone)]
pub struct Supervisor {
    process: Process,
    shared: Arc<Shared>,
}

impl Supervisor {
    /// Its pid.
    pub fn pid(&self) -> Pid {
        self.process.pid()
    }

    /// Its process.
    pub fn process(&self) -> &Process {
        &self.process
    }

    /// Its strategy, intensity and children.
    pub fn info(&self) -> SupervisorInfo {
        self.shared.info.lock().expect("supervisor lock").clone()
    }

    /// Stops the child `id` and starts it again; returns its new pid.
    ///
    /// # Errors
    /// When there is no such child, the supervisor has ended, or the child cannot start.
    pub async fn restart_child(&self, id: &str) -> Result<Pid, SupervisorError> {
        let (tx, rx) = oneshot::channel();
        self.shared
            .control
            .send(Control::Restart(id.to_owned(), tx))
            .map_err(|_| SupervisorError::Ended)?;
        rx.await.map_err(|_| SupervisorError::Ended)?
    }

    /// Stops the children in reverse start order, then the supervisor (normally).
    pub async fn stop(&self) {
        let (tx, rx) = oneshot::channel();
        if self.shared.control.send(Control::Stop(tx)).is_ok() {
            let _ = rx.await;
        }
        self.process.wait().await;
    }

    /// Waits until it ends.
    pub async fn wait(&self) -> ExitReason {
        self.process.wait().await
    }
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Supervisor").field(&self.pid()).finish()
    }
}

impl Runtime {
    /// Starts a supervisor and its children (in order), registered under `name` if given.
    ///
    /// # Errors
    /// When a child cannot be spawned (no such function, bad arguments, node full).
    pub fn start_supervisor(
        &self,
        spec: SupervisorSpec,
        name: Option<&str>,
    ) -> Result<Supervisor, Error> {
        run::start(&self.inner, spec, name, None)
    }

    /// The supervisor with this pid, if it is one and alive.
    pub fn supervisor(&self, pid: Pid) -> Option<Supervisor> {
        let shared = self.inner.supervisors.get(&pid)?.value().clone();
        Some(Supervisor {
            process: self.process(pid)?,
            shared,
        })
    }

    /// Every live supervisor, by pid.
    pub fn supervisors(&self) -> Vec<Supervisor> {
        let mut pids: Vec<Pid> = self.inner.supervisors.iter().map(|e| *e.key()).collect();
        pids.sort();
        pids.into_iter()
            .filter_map(|p| self.supervisor(p))
            .collect()
    }
}
