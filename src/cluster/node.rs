//! A node's view of the cluster: its peers, each with its session and relations, and the
//! public handle on it.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, Weak};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, broadcast};

use super::connect::ConnState;
use super::session::Session;
use super::{ClusterConfig, NodeInfo};
use crate::Pid;
use crate::runtime::RuntimeInner;

/// A message too large for one NATS message, being put back together.
#[derive(Debug)]
pub(crate) struct Partial {
    pub from: Pid,
    pub to: Pid,
    pub tag: i64,
    pub data: Vec<u8>,
}

/// What this node knows of one other node.
pub(crate) struct PeerState {
    pub session: Session,
    pub up: bool,
    pub info: Option<NodeInfo>,
    pub up_since_ms: u64,
    pub last_heard: Instant,
    pub down_reason: Option<String>,
    /// Local processes with a link or monitor to a process of this node.
    pub related: HashSet<Pid>,
    pub partial: Option<Partial>,
    pub rtt_us: Option<u64>,
    /// The peer's last tick: its clock then, and when it arrived here.
    pub peer_tick: Option<(u64, Instant)>,
    pub last_break: Instant,
    /// When it went down, if it is down.
    pub down_since: Option<Instant>,
}

/// One other node.
pub(crate) struct Peer {
    pub id: u64,
    /// Where its frames go.
    pub subject: async_nats::Subject,
    state: Mutex<PeerState>,
    /// Wakes processes waiting on this node when it goes down.
    pub downs: Notify,
}

impl Peer {
    pub(crate) fn new(local: u64, id: u64, prefix: &str, max_batch: usize) -> Self {
        Peer {
            id,
            subject: format!("{prefix}.n.{id}.d").into(),
            state: Mutex::new(PeerState {
                session: Session::new(local, id, max_batch),
                up: false,
                info: None,
                up_since_ms: 0,
                last_heard: Instant::now(),
                down_reason: None,
                related: HashSet::new(),
                partial: None,
                rtt_us: None,
                peer_tick: None,
                last_break: Instant::now(),
                down_since: None,
            }),
            downs: Notify::new(),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, PeerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Counters of the cluster layer.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub sent: AtomicU64,
    pub received: AtomicU64,
    /// Batches that were not grain's, or damaged, or for another node.
    pub foreign: AtomicU64,
    pub gaps: AtomicU64,
    pub stale: AtomicU64,
}

/// The cluster layer of a node.
pub(crate) struct ClusterInner {
    pub id: u64,
    pub name: String,
    pub config: ClusterConfig,
    pub prefix: String,
    pub client: async_nats::Client,
    pub conn: Arc<ConnState>,
    pub registry: async_nats::jetstream::kv::Store,
    pub started: Instant,
    pub started_ms: u64,
    pub peers: RwLock<HashMap<u64, Arc<Peer>>>,
    pub wake_writer: Notify,
    pub rt: Weak<RuntimeInner>,
    pub modules: super::modules::ModuleStore,
    pub max_batch: usize,
    pub counters: Counters,
    pub events: broadcast::Sender<NodeEvent>,
    pub leaving: AtomicBool,
}

/// What `send` to another node did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SendOutcome {
    /// Queued for the node.
    Sent,
    /// No such node is up.
    NoNode,
    /// This node has lost NATS.
    Disconnected,
}

/// A node joined or left this node's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeEvent {
    /// The node.
    pub id: u64,
    /// Its name, if known.
    pub name: String,
    /// Up (`None`) or down, and why.
    pub down: Option<String>,
}

/// One node as `nodes` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeStatus {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its tags.
    pub tags: std::collections::BTreeMap<String, String>,
    /// Is it this node?
    pub this: bool,
    /// Is it up?
    pub up: bool,
    /// Up since (ms since the Unix epoch).
    pub up_since_ms: u64,
    /// Its live processes, as of its last heartbeat.
    pub processes: u64,
    /// Messages it sent to other nodes, as of its last heartbeat.
    pub sent: u64,
    /// Messages it received from other nodes, as of its last heartbeat.
    pub received: u64,
    /// The round trip to it, from the ticks (µs).
    pub rtt_us: Option<u64>,
    /// Why it is down.
    pub down_reason: Option<String>,
    /// Down since (ms since the Unix epoch), if it is down.
    #[serde(default)]
    pub down_since_ms: Option<u64>,
}

impl ClusterInner {
    /// µs since this node joined (the clock of ticks).
    pub(crate) fn now_us(&self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    pub(crate) fn peer(&self, id: u64) -> Option<Arc<Peer>> {
        self.peers.read().expect("peers lock").get(&id).cloned()
    }

    /// The peer `id`, made known if it was not.
    pub(crate) fn peer_or_new(&self, id: u64) -> Arc<Peer> {
        if let Some(peer) = self.peer(id) {
            return peer;
        }
        let mut peers = self.peers.write().expect("peers lock");
        peers
            .entry(id)
            .or_insert_with(|| Arc::new(Peer::new(self.id, id, &self.prefix, self.max_batch)))
            .clone()
    }

    pub(crate) fn all_peers(&self) -> Vec<Arc<Peer>> {
        self.peers
            .read()
            .expect("peers lock")
            .values()
            .cloned()
            .collect()
    }

    /// The ids of the live nodes, this one included, in order.
    pub(crate) fn live_nodes(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .all_peers()
            .iter()
            .filter(|p| p.lock().up)
            .map(|p| p.id)
            .collect();
        ids.push(self.id);
        ids.sort_unstable();
        ids
    }

    /// The live nodes (this one included) a lookup query matches, in order.
    pub(crate) fn lookup(&self, query: &super::Query) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .all_peers()
            .iter()
            .filter(|p| {
                let st = p.lock();
                st.up
                    && st
                        .info
                        .as_ref()
                        .is_some_and(|i| query.matches(&i.name, &i.tags))
            })
            .map(|p| p.id)
            .collect();
        if query.matches(&self.name, &self.config.tags) {
            ids.push(self.id);
        }
        ids.sort_unstable();
        ids
    }

    /// This node's own record.
    pub(crate) fn info(&self) -> NodeInfo {
        let rt = self.rt.upgrade();
        NodeInfo {
            id: self.id,
            name: self.name.clone(),
            tags: self.config.tags.clone(),
            started_ms: self.started_ms,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            processes: rt.as_ref().map_or(0, |rt| rt.processes.len() as u64),
            spawned: rt
                .as_ref()
                .map_or(0, |rt| rt.spawned_total.load(Ordering::Relaxed)),
            sent: self.counters.sent.load(Ordering::Relaxed),
            received: self.counters.received.load(Ordering::Relaxed),
            foreign: self.counters.foreign.load(Ordering::Relaxed),
            gaps: self.counters.gaps.load(Ordering::Relaxed),
            leaving: self.leaving.load(Ordering::Relaxed),
        }
    }

    /// Every node known, this one first.
    pub(crate) fn statuses(&self) -> Vec<NodeStatus> {
        let me = self.info();
        let mut out = vec![NodeStatus {
            id: self.id,
            name: me.name,
            tags: me.tags,
            this: true,
            up: true,
            up_since_ms: self.started_ms,
            processes: me.processes,
            sent: me.sent,
            received: me.received,
            rtt_us: None,
            down_reason: None,
            down_since_ms: None,
        }];
        let mut peers = self.all_peers();
        peers.sort_by_key(|p| p.id);
        for peer in peers {
            let st = peer.lock();
            let Some(info) = &st.info else { continue };
            out.push(NodeStatus {
                id: peer.id,
                name: info.name.clone(),
                tags: info.tags.clone(),
                this: false,
                up: st.up,
                up_since_ms: st.up_since_ms,
                processes: info.processes,
                sent: info.sent,
                received: info.received,
                rtt_us: st.rtt_us,
                down_reason: st.down_reason.clone(),
                down_since_ms: st
                    .down_since
                    .map(|t| super::unix_ms().saturating_sub(t.elapsed().as_millis() as u64)),
            });
        }
        out
    }
}
