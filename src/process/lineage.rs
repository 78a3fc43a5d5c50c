//! Restarts done by guests: a process that spawns the same child again (same module,
//! function and arguments) after the previous one failed is acting as a supervisor, as
//! lunatic-rs's `Supervisor` does. Such re-spawns are reported as restarts, with lineage.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::{ExitReason, Pid};

/// What identifies "the same child": module id, function and arguments.
pub(crate) type SpawnKey = String;

#[derive(Default)]
struct Line {
    /// The last incarnation that failed, and how; cleared when it is replaced.
    failed: Option<(Pid, ExitReason)>,
    restarts: u32,
}

/// The children a process has spawned, by key.
#[derive(Default)]
pub(crate) struct Lineage {
    lines: Mutex<HashMap<SpawnKey, Line>>,
}

/// A restart a guest just did.
pub(crate) struct GuestRestart {
    pub old: Pid,
    pub reason: ExitReason,
    pub restarts: u32,
}

impl Lineage {
    /// A child spawned with `key` failed.
    pub(crate) fn failed(&self, key: &SpawnKey, pid: Pid, reason: ExitReason) {
        let mut lines = self.lines.lock().expect("lineage lock");
        // Bounded: a process spawning many distinct children only keeps the recent ones.
        if lines.len() >= 256 && !lines.contains_key(key) {
            lines.retain(|_, line| line.failed.is_some());
            if lines.len() >= 256 {
                return;
            }
        }
        lines.entry(key.clone()).or_default().failed = Some((pid, reason));
    }

    /// A child is being spawned with `key`: a restart if the previous one failed.
    pub(crate) fn spawned(&self, key: &SpawnKey) -> Option<GuestRestart> {
        let mut lines = self.lines.lock().expect("lineage lock");
        let line = lines.get_mut(key)?;
        let (old, reason) = line.failed.take()?;
        line.restarts += 1;
        Some(GuestRestart {
            old,
            reason,
            restarts: line.restarts,
        })
    }
}
