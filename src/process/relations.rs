//! Links, monitors, kills and sends by pid, wherever the pid lives: a process of this node
//! directly, a process of another node through the cluster layer. A pid of a node this
//! one cannot reach names nobody (a link or monitor to it fires at once).

use std::sync::Arc;

use super::{ProcessCell, Signal};
use crate::cluster::SendOutcome;
use crate::message::{DataMessage, Message};
use crate::observe::EventKind;
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

impl RuntimeInner {
    /// Links two local processes (both sides, at once). If `b` has ended, `a` gets its
    /// link-died signal right away (Erlang's `noproc`).
    pub(crate) fn link(&self, a: &Arc<ProcessCell>, b: &Arc<ProcessCell>, tag: Option<i64>) {
        if a.pid == b.pid {
            return;
        }
        // a's side first: if b is ending right now, its exit finds the link and fails a.
        a.relations().links.insert(b.pid, tag);
        let b_alive = {
            let mut rb = b.relations();
            if !rb.dead {
                rb.links.insert(a.pid, tag);
            }
            !rb.dead
        };
        if b_alive {
            self.emit(a.pid, EventKind::Linked { other: b.pid });
        } else {
            a.relations().links.remove(&b.pid);
            a.signal(Signal::LinkDied { pid: b.pid, tag });
        }
    }

    /// Links `a` to the process `b`, local or remote.
    pub(crate) fn link_pid(&self, a: &Arc<ProcessCell>, b: Pid, tag: Option<i64>) {
        if self.is_local(b) {
            match self.cell(b) {
                Some(other) => self.link(a, &other, tag),
                None => a.signal(Signal::LinkDied { pid: b, tag }),
            }
        } else if let Some(cluster) = self.cluster() {
            cluster.link(self, a, b, tag);
        } else {
            a.signal(Signal::LinkDied { pid: b, tag });
        }
    }

    /// Removes the link between `a` and the process `b` (if any).
    pub(crate) fn unlink(&self, a: &ProcessCell, b: Pid) {
        let had = a.relations().links.remove(&b).is_some();
        if !self.is_local(b) {
            if let Some(cluster) = self.cluster() {
                cluster.unlink(self, a, b);
            }
        } else if let Some(other) = self.cell(b) {
            other.relations().links.remove(&a.pid);
        }
        if had {
            self.emit(a.pid, EventKind::Unlinked { other: b });
        }
    }

    /// `watcher` monitors `target`; a target that has already ended is reported at once.
    pub(crate) fn monitor(&self, watcher: &ProcessCell, target: Pid) {
        if !self.is_local(target) {
            match self.cluster() {
                Some(cluster) => cluster.monitor(self, watcher, target),
                None => watcher.deliver(Message::ProcessDied {
                    pid: target,
                    reason: None,
                }),
            }
            return;
        }
        let alive = self.cell(target).is_some_and(|cell| {
            let mut rel = cell.relations();
            if !rel.dead {
                rel.monitored_by.insert(watcher.pid);
            }
            !rel.dead
        });
        if alive {
            watcher.relations().monitoring.insert(target);
        } else {
            watcher.deliver(Message::ProcessDied {
                pid: target,
                reason: None,
            });
        }
    }

    /// `watcher` stops monitoring `target`.
    pub(crate) fn demonitor(&self, watcher: &ProcessCell, target: Pid) {
        watcher.relations().monitoring.remove(&target);
        if !self.is_local(target) {
            if let Some(cluster) = self.cluster() {
                cluster.demonitor(self, watcher.pid, target);
            }
        } else if let Some(cell) = self.cell(target) {
            cell.relations().monitored_by.remove(&watcher.pid);
        }
    }

    /// Kills the process `to`, local or remote; false if it is not known to be alive.
    pub(crate) fn kill_pid(&self, from: Pid, to: Pid) -> bool {
        if !self.is_local(to) {
            return self.cluster().is_some_and(|c| c.kill(self, from, to));
        }
        match self.cell(to) {
            Some(cell) => {
                self.kill(&cell);
                true
            }
            None => false,
        }
    }

    /// Sends a data message to `to`, local or remote (dropped if nobody is there, as in
    /// Erlang). Resources cannot travel to another node: the caller checks.
    pub(crate) fn send_remote(&self, to: Pid, message: DataMessage) -> SendOutcome {
        match self.cluster() {
            Some(cluster) => cluster.send(
                self,
                message.sender.unwrap_or(Pid(0)),
                to,
                message.tag.unwrap_or(0),
                message.buffer,
            ),
            None => SendOutcome::NoNode,
        }
    }

    /// Tells the other nodes that `cell` ended: its remote links and monitors hear as
    /// local ones do (`finish` calls this with the relations it took).
    pub(crate) fn notify_remote(
        &self,
        cell: &ProcessCell,
        links: &[Pid],
        monitored_by: &[Pid],
        monitoring: &[Pid],
        reason: &ExitReason,
    ) {
        let Some(cluster) = self.cluster() else {
            return;
        };
        for watcher in monitored_by {
            cluster.down_notice(self, cell.pid, *watcher, Some(reason));
        }
        // A normal end is told too: the other side forgets the link without failing.
        for other in links {
            cluster.exit_notice(self, cell.pid, *other, Some(reason));
        }
        for target in monitoring {
            cluster.demonitor(self, cell.pid, *target);
        }
    }
}
