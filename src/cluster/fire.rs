//! When a pair of nodes breaks (the peer went down, frames were lost, the peer reset the
//! pair), every link and monitor between the two fires, once, with `noconnection`.

use std::collections::HashSet;
use std::time::Instant;

use super::node::{ClusterInner, PeerState};
use crate::message::Message;
use crate::observe::EventKind;
use crate::process::Signal;
use crate::runtime::RuntimeInner;
use crate::{ExitReason, Pid};

impl ClusterInner {
    /// Fires every relation between local processes and processes of `node`.
    pub(crate) fn fire(&self, rt: &RuntimeInner, st: &mut PeerState, node: u64) {
        st.partial = None;
        tracing::info!(
            "firing {} local processes' relations with node {node}",
            st.related.len()
        );
        let mut remembered = HashSet::new();
        for pid in std::mem::take(&mut st.related) {
            let Some(cell) = rt.cell(pid) else { continue };
            let (links, monitoring) = {
                let mut rel = cell.relations();
                let links: Vec<(Pid, Option<i64>)> = rel
                    .links
                    .iter()
                    .filter(|(p, _)| p.node() == node)
                    .map(|(p, t)| (*p, *t))
                    .collect();
                for (p, _) in &links {
                    rel.links.remove(p);
                }
                let monitoring: Vec<Pid> = rel
                    .monitoring
                    .iter()
                    .filter(|p| p.node() == node)
                    .copied()
                    .collect();
                for p in &monitoring {
                    rel.monitoring.remove(p);
                }
                rel.monitored_by.retain(|p| p.node() != node);
                (links, monitoring)
            };
            for p in links.iter().map(|(p, _)| p).chain(&monitoring) {
                if remembered.insert(*p) {
                    rt.remember_remote_exit(*p, ExitReason::NoConnection);
                }
            }
            // Monitors first, as when a local process ends.
            for p in monitoring {
                cell.deliver(Message::ProcessDied {
                    pid: p,
                    reason: Some(ExitReason::NoConnection),
                });
            }
            for (p, tag) in links {
                rt.emit(cell.pid, EventKind::Unlinked { other: p });
                cell.signal(Signal::LinkDied { pid: p, tag });
            }
        }
    }

    /// Breaks the pair from this side: fires, drops the peer's session, and opens a new
    /// one of ours that asks for a new one of theirs.
    pub(crate) fn break_pair(&self, rt: &RuntimeInner, st: &mut PeerState, node: u64) {
        tracing::info!("the pair with node {node} breaks");
        self.fire(rt, st, node);
        st.session.restart(true);
        st.last_break = Instant::now();
    }
}
