//! The public handle on a node's membership of a cluster.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use super::node::{ClusterInner, NodeEvent, NodeStatus};

/// A node's membership of a cluster. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    pub(crate) inner: Arc<ClusterInner>,
}

impl Cluster {
    /// This node's id.
    pub fn node_id(&self) -> u64 {
        self.inner.id
    }

    /// This node's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The cluster's name.
    pub fn cluster(&self) -> &str {
        &self.inner.config.cluster
    }

    /// Every node this one knows of (itself first), up or down.
    pub fn nodes(&self) -> Vec<NodeStatus> {
        self.inner.statuses()
    }

    /// The ids of the nodes up now, this one included (what guests' `nodes()` returns).
    pub fn live_nodes(&self) -> Vec<u64> {
        self.inner.live_nodes()
    }

    /// The id of the live node called `name` (or with that id, written as a number).
    pub fn node_named(&self, name: &str) -> Option<u64> {
        self.nodes()
            .into_iter()
            .find(|n| n.up && (n.name == name || n.id.to_string() == name))
            .map(|n| n.id)
    }

    /// Node ups and downs from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.inner.events.subscribe()
    }

    /// Batches dropped because they were not grain's or were damaged (foreign publishers
    /// on the cluster's subjects), and gaps found in streams from peers.
    pub fn dropped_frames(&self) -> (u64, u64) {
        let c = &self.inner.counters;
        (
            c.foreign.load(Ordering::Relaxed),
            c.gaps.load(Ordering::Relaxed),
        )
    }

    /// How many modules this node compiled for spawns other nodes asked for.
    pub fn compiled_for_others(&self) -> usize {
        self.inner.modules.compiled()
    }

    /// Waits (up to `timeout`) until `count` nodes, this one included, are up.
    pub async fn wait_for_nodes(&self, count: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.live_nodes().len() < count {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    /// Leaves the cluster in order: peers hear of it at once (its links and monitors fire
    /// there with `noconnection`), and its registry entries go. Never waits more than a
    /// few seconds: when the server does not answer, it leaves without a goodbye and says
    /// so (false).
    pub async fn leave(&self) -> bool {
        super::join::leave(&self.inner).await
    }
}
