//! Purging old code: the processes still on old versions of a module end, and the old
//! versions go (Erlang's `code:purge` and `code:soft_purge`).

use crate::exit::ExitReason;
use crate::observe::EventKind;
use crate::{Pid, Runtime};

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purge {
    /// The module's name.
    pub module: String,
    /// The old versions dropped.
    pub versions: Vec<u32>,
    /// The processes ended (exit reason `purged`).
    pub ended: Vec<Pid>,
}

/// Why a purge did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PurgeError {
    /// No module is loaded under the name.
    #[error("no module `{0}`")]
    NoModule(String),
    /// A soft purge found processes on old code.
    #[error("{} still run old code of {module}: {}", .pids.len(), list(.pids))]
    Lingering {
        /// The module's name.
        module: String,
        /// The processes on old versions.
        pids: Vec<Pid>,
    },
}

fn list(pids: &[Pid]) -> String {
    let pids: Vec<String> = pids.iter().map(Pid::to_string).collect();
    pids.join(" ")
}

impl Runtime {
    /// Ends the processes that run old versions of `name` (reason `purged`) and drops those
    /// versions; with `soft`, refuses instead while any process runs one.
    ///
    /// # Errors
    /// When nothing is loaded under `name`, or (soft) when processes run old code.
    pub fn purge(&self, name: &str, soft: bool) -> Result<Purge, PurgeError> {
        let (name, _) = super::split(name);
        if self.inner.versions.resolve(name).is_none() {
            return Err(PurgeError::NoModule(name.to_owned()));
        }
        let old = self.inner.versions.old(name);
        let cells: Vec<_> = self
            .inner
            .processes
            .iter()
            .filter(|e| {
                let code = e.value().module();
                code.is_some_and(|m| old.iter().any(|o| o.id() == m.id()))
            })
            .map(|e| e.value().clone())
            .collect();
        let mut pids: Vec<Pid> = cells.iter().map(|c| c.pid).collect();
        pids.sort();
        if soft && !pids.is_empty() {
            return Err(PurgeError::Lingering {
                module: name.to_owned(),
                pids,
            });
        }
        for cell in &cells {
            self.inner.end(cell, ExitReason::Purged);
        }
        self.inner.versions.sweep(name);
        let versions: Vec<u32> = old.iter().map(|m| m.version()).collect();
        let at = Pid::new(self.node_id(), 0);
        self.inner.emit(
            at,
            EventKind::Purged {
                module: name.to_owned(),
                versions: versions.clone(),
                ended: pids.len() as u64,
            },
        );
        Ok(Purge {
            module: name.to_owned(),
            versions,
            ended: pids,
        })
    }
}
