//! Waiting for what a command set going, so what its processes print lands under it.
//!
//! Before a command runs the shell notes which processes are busy already (a process that
//! computes forever, say): it never waits for those. After the command it waits until every
//! other process is parked or ended — a spawned process has started and parked, a message
//! has been looked at, a supervisor has restarted its child, a dying process's monitors and
//! links have heard — and no new output arrived between two looks. A process the command
//! started that keeps computing stops counting after [`SLICES`] of its own time slices, and
//! nothing waits longer than [`DEADLINE`]. A quiet node costs two looks, no sleep.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use grain::Pid;

use crate::shell::Shell;

/// Time slices (about a millisecond each) a busy process may use before the shell stops
/// waiting for it: it computes rather than answers.
pub const SLICES: u64 = 200;
/// The longest the shell waits after a command.
pub const DEADLINE: Duration = Duration::from_secs(2);
/// How long the shell sleeps between two looks at a busy node.
const PAUSE: Duration = Duration::from_millis(1);

/// What the node was doing before a command.
#[derive(Debug)]
pub struct Settle {
    /// Busy before the command: not the command's doing.
    background: HashSet<Pid>,
}

/// How waiting ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Everything the command set going is parked or ended.
    Quiet,
    /// These processes the command set going still compute (past [`SLICES`]).
    Computing(Vec<Pid>),
    /// [`DEADLINE`] passed with these still busy.
    GaveUp(Vec<Pid>),
}

impl Settle {
    /// Notes what is busy now, before a command runs.
    pub fn before(sh: &Shell) -> Settle {
        let background = sh.rt.busy_processes().into_iter().map(|(p, _)| p).collect();
        Settle { background }
    }

    /// Waits until what the command set going is quiet (see the module's docs).
    pub async fn wait(mut self, sh: &Shell) -> Settled {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        let output = || sh.output.as_ref().map_or(0, |o| o.contents().len());
        // Slices each busy process had when first seen busy.
        let mut first_seen: HashMap<Pid, u64> = HashMap::new();
        let mut computing = Vec::new();
        let (mut quiet_looks, mut last_output) = (0, output());
        loop {
            let busy = self.busy(sh, &mut first_seen, &mut computing);
            let now_output = output();
            let quiet = busy.is_empty() && !sh.rt.exits_in_progress() && now_output == last_output;
            last_output = now_output;
            quiet_looks = if quiet { quiet_looks + 1 } else { 0 };
            if quiet_looks == 2 {
                computing.sort();
                return if computing.is_empty() {
                    Settled::Quiet
                } else {
                    Settled::Computing(computing)
                };
            }
            if tokio::time::Instant::now() >= deadline {
                return Settled::GaveUp(busy);
            }
            if quiet {
                // A second look, to see no output or wake that was in flight.
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(PAUSE).await;
            }
        }
    }

    /// The processes the shell still waits for; those that computed past [`SLICES`] move
    /// to the background (and to `computing`).
    fn busy(
        &mut self,
        sh: &Shell,
        first_seen: &mut HashMap<Pid, u64>,
        computing: &mut Vec<Pid>,
    ) -> Vec<Pid> {
        let mut busy = Vec::new();
        for (pid, slices) in sh.rt.busy_processes() {
            if self.background.contains(&pid) {
                continue;
            }
            let since = *first_seen.entry(pid).or_insert(slices);
            if slices.saturating_sub(since) > SLICES {
                self.background.insert(pid);
                computing.push(pid);
            } else {
                busy.push(pid);
            }
        }
        busy.sort();
        busy
    }
}
