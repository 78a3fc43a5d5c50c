//! Distribution: grain nodes joined through NATS into one cluster.
//!
//! Nothing here is a transport or a membership protocol of grain's own: NATS carries every
//! frame (one subscription per node, one publisher per node, so NATS's per-publisher order
//! holds for everything a node sends), JetStream KV allocates node ids and keeps the node
//! registry, and the JetStream object store holds the modules remote spawns need, addressed
//! by their SHA-256.
//!
//! What grain adds is what NATS does not promise: a per-pair session with sequence numbers
//! (NATS may drop; a gap breaks the pair, so every link and monitor across it fires with
//! `noconnection`, never a silent hole), failure detection from heartbeats, remote links,
//! monitors and kills routed by the node a pid carries, and remote spawn by content.
//!
//! Subjects, under `grain.<cluster>`:
//!
//! | subject | what |
//! | --- | --- |
//! | `n.<id>.d` | batches of frames for node `id` (messages and signals, in order) |
//! | `n.<id>.q` | requests that change node `id`: remote spawn |
//! | `n.<id>.i` | read-only requests to node `id`: its processes, one process |
//! | `hb.<id>` | heartbeats of node `id` (discovery, liveness, the observer's figures) |

mod apply;
mod connect;
mod fire;
pub mod frame;
mod handle;
mod inspect;
mod join;
mod membership;
mod modules;
mod node;
mod query;
mod route;
mod session;
mod spawn;
mod watcher;
mod writer;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use handle::Cluster;
pub use inspect::{ProcessInfo, RemoteTable};
pub use join::join;
pub(crate) use modules::digest;
pub(crate) use node::{ClusterInner, SendOutcome};
pub use node::{NodeEvent, NodeStatus};
pub use query::{ParseQueryError, Query};
pub use spawn::{RemoteSpawn, SpawnError};
pub use watcher::Watcher;

/// How a node (or a watcher) reaches the cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// The NATS server, e.g. `nats://127.0.0.1:4222`, `nats://user:pass@host:4222` or
    /// `tls://host:4222`.
    pub url: String,
    /// The cluster's name: nodes of one name see each other (letters, digits, `-`, `_`).
    pub cluster: String,
    /// This node's name, unique among the cluster's live nodes.
    pub name: String,
    /// Attributes other nodes can look this one up by (`lookup_nodes("role=worker")`).
    pub tags: BTreeMap<String, String>,
    /// How to authenticate beyond what the URL carries.
    pub credentials: Credentials,
    /// A peer that sends no heartbeat for this long is down (Erlang's `net_ticktime`).
    pub down_after: Duration,
    /// How often heartbeats and per-pair ticks go out.
    pub tick: Duration,
    /// How long a remote spawn may take, compiling included, before it fails.
    pub spawn_timeout: Duration,
    /// The most memory (bytes) a process spawned here by another node may have.
    pub remote_max_memory: Option<u64>,
    /// The most fuel (units) a process spawned here by another node may use.
    pub remote_max_fuel: Option<u64>,
}

impl ClusterConfig {
    /// A config with the defaults: heartbeats every 250 ms, down after 1 s.
    pub fn new(url: &str, cluster: &str, name: &str) -> Self {
        ClusterConfig {
            url: url.to_owned(),
            cluster: cluster.to_owned(),
            name: name.to_owned(),
            tags: BTreeMap::new(),
            credentials: Credentials::default(),
            down_after: Duration::from_secs(1),
            tick: Duration::from_millis(250),
            spawn_timeout: Duration::from_secs(30),
            remote_max_memory: None,
            remote_max_fuel: None,
        }
    }
}

/// Credentials for NATS besides a user and password in the URL.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// A `.creds` file (JWT and nkey seed), as `nsc` writes them.
    pub creds_file: Option<PathBuf>,
    /// A token (`nats-server --auth TOKEN`).
    pub token: Option<String>,
    /// An nkey seed (`SU...`).
    pub nkey_seed: Option<String>,
    /// A CA certificate (PEM) to trust for `tls://` servers.
    pub tls_ca: Option<PathBuf>,
    /// A client certificate and key (PEM) for servers that verify clients.
    pub tls_client: Option<(PathBuf, PathBuf)>,
}

/// What a node says of itself in its heartbeats and in the cluster's registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeInfo {
    /// Its id (fresh at every start).
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// When it started (ms since the Unix epoch).
    pub started_ms: u64,
    /// grain's version.
    pub version: String,
    /// Live processes.
    pub processes: u64,
    /// Processes spawned since it started.
    pub spawned: u64,
    /// Messages it sent to other nodes.
    pub sent: u64,
    /// Messages it received from other nodes.
    pub received: u64,
    /// Batches it dropped: not grain's, damaged, or for another node.
    #[serde(default)]
    pub foreign: u64,
    /// Gaps it found in streams from its peers (each broke a pair).
    #[serde(default)]
    pub gaps: u64,
    /// Set in its last heartbeat, when it leaves the cluster in order.
    pub leaving: bool,
}

/// What can go wrong joining or using a cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The NATS server could not be reached.
    #[error("cannot reach NATS at {url}: {reason}")]
    Unreachable {
        /// The URL, without its password.
        url: String,
        /// Why.
        reason: String,
    },
    /// The server refused the credentials.
    #[error("NATS at {url} refused the credentials: {reason}")]
    Refused {
        /// The URL, without its password.
        url: String,
        /// What the server said.
        reason: String,
    },
    /// A name that cannot be used (cluster or node).
    #[error("{what} {name:?} is not a valid name (letters, digits, '-' and '_' only)")]
    BadName {
        /// "cluster" or "node".
        what: &'static str,
        /// The name.
        name: String,
    },
    /// Another live node has the name.
    #[error("a node named {name:?} is already up in cluster {cluster:?} (node {id})")]
    NameTaken {
        /// The name.
        name: String,
        /// The cluster.
        cluster: String,
        /// The node that has it.
        id: u64,
    },
    /// JetStream (KV, object store) failed.
    #[error("NATS JetStream: {0} (is the server started with -js?)")]
    JetStream(String),
    /// Another NATS operation failed.
    #[error("NATS: {0}")]
    Nats(String),
}

/// The subject prefix of a cluster.
pub(crate) fn prefix(cluster: &str) -> String {
    format!("grain.{cluster}")
}

/// Is `name` usable in subjects and bucket names?
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
