//! A watcher: joins a cluster to look, not as a node. It has no node id, is in nobody's
//! `nodes()`, follows the heartbeats, and asks nodes read-only questions. With watcher
//! credentials (see the book's "Many machines") it cannot spawn, send or kill.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use super::inspect::{ProcessInfo, RemoteTable, remote_info, remote_table};
use super::node::{NodeEvent, NodeStatus};
use super::{ClusterConfig, ClusterError, NodeInfo, prefix, valid_name};
use crate::Pid;

/// How many node ups and downs a watcher remembers.
const LOG: usize = 256;

struct Seen {
    info: NodeInfo,
    heard: Instant,
    up: bool,
    up_since_ms: u64,
    down_reason: Option<String>,
    down_since_ms: Option<u64>,
    /// The round trip of the last question it answered (µs).
    rtt_us: Option<u64>,
}

#[derive(Default)]
struct View {
    nodes: BTreeMap<u64, Seen>,
    log: Vec<(u64, NodeEvent)>,
    /// Events logged since the watcher started (the log keeps the last [`LOG`]).
    logged: u64,
}

/// A look-only member of a cluster.
#[derive(Clone)]
pub struct Watcher {
    client: async_nats::Client,
    prefix: String,
    down_after: Duration,
    view: Arc<Mutex<View>>,
}

impl Watcher {
    /// Connects and starts following the heartbeats.
    ///
    /// # Errors
    /// When NATS cannot be reached or refuses the credentials, or the cluster's name is
    /// invalid.
    pub async fn connect(config: &ClusterConfig) -> Result<Watcher, ClusterError> {
        if !valid_name(&config.cluster) {
            return Err(ClusterError::BadName {
                what: "cluster",
                name: config.cluster.clone(),
            });
        }
        let label = format!("grain watcher {}", config.cluster);
        let (client, _) = super::connect::connect(config, &label).await?;
        let prefix = prefix(&config.cluster);
        let mut sub = client
            .subscribe(format!("{prefix}.hb.*"))
            .await
            .map_err(|e| ClusterError::Nats(e.to_string()))?;
        let watcher = Watcher {
            client,
            prefix,
            down_after: config.down_after,
            view: Arc::default(),
        };
        let view = watcher.view.clone();
        tokio::spawn(async move {
            while let Some(msg) = sub.next().await {
                if let Ok(info) = serde_json::from_slice::<NodeInfo>(&msg.payload) {
                    heard(&view, info);
                }
            }
        });
        Ok(watcher)
    }

    /// Every node seen, by id; a node silent for `down_after` shows as down.
    pub fn nodes(&self) -> Vec<NodeStatus> {
        let mut view = self.view.lock().expect("watcher lock");
        let now = Instant::now();
        let mut went_down = Vec::new();
        for (id, seen) in &mut view.nodes {
            let silent = now.duration_since(seen.heard);
            if seen.up && silent > self.down_after {
                seen.up = false;
                let why = format!("no heartbeat for {} ms", silent.as_millis());
                seen.down_reason = Some(why.clone());
                seen.down_since_ms = Some(super::unix_ms());
                went_down.push(NodeEvent {
                    id: *id,
                    name: seen.info.name.clone(),
                    down: Some(why),
                });
            }
        }
        for event in went_down {
            log(&mut view, event);
        }
        view.nodes
            .iter()
            .map(|(id, s)| NodeStatus {
                id: *id,
                name: s.info.name.clone(),
                tags: s.info.tags.clone(),
                this: false,
                up: s.up,
                up_since_ms: s.up_since_ms,
                processes: s.info.processes,
                sent: s.info.sent,
                received: s.info.received,
                rtt_us: s.rtt_us,
                down_reason: s.down_reason.clone(),
                down_since_ms: s.down_since_ms,
            })
            .collect()
    }

    /// Node ups and downs, oldest first, each with its time (ms since the Unix epoch).
    pub fn log(&self) -> Vec<(u64, NodeEvent)> {
        self.view.lock().expect("watcher lock").log.clone()
    }

    /// The node ups and downs logged after the first `seen` (of all ever logged), and how
    /// many were ever logged: call again with that count to get only what is new. Events
    /// that fell out of the bounded log are skipped.
    pub fn log_since(&self, seen: u64) -> (Vec<(u64, NodeEvent)>, u64) {
        let view = self.view.lock().expect("watcher lock");
        let new = view.logged.saturating_sub(seen).min(view.log.len() as u64) as usize;
        let from = view.log.len() - new;
        (view.log[from..].to_vec(), view.logged)
    }

    /// A node's process table (its first `limit` rows). The round trip is kept as the
    /// node's RTT in [`Watcher::nodes`].
    ///
    /// # Errors
    /// When the node does not answer.
    pub async fn table(&self, node: u64, limit: usize) -> Result<RemoteTable, String> {
        let table = remote_table(&self.client, &self.prefix, node, limit).await?;
        let mut view = self.view.lock().expect("watcher lock");
        if let Some(seen) = view.nodes.get_mut(&node) {
            seen.rtt_us = Some(table.rtt_us);
        }
        Ok(table)
    }

    /// What the node of `pid` says of it.
    ///
    /// # Errors
    /// When the node does not answer.
    pub async fn info(&self, pid: Pid) -> Result<ProcessInfo, String> {
        remote_info(&self.client, &self.prefix, pid).await
    }

    /// The last heartbeat of node `id`, as it sent it.
    pub fn heartbeat(&self, id: u64) -> Option<NodeInfo> {
        let view = self.view.lock().expect("watcher lock");
        view.nodes.get(&id).map(|s| s.info.clone())
    }

    /// Sends raw bytes as a request on a subject of the cluster and waits (up to 2 s) for
    /// the answer (for tests of permissions: a watcher's credentials make the server
    /// refuse requests to `n.ID.q`).
    ///
    /// # Errors
    /// When nothing answers in time or the server refuses.
    pub async fn request_raw(&self, subject: &str, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
        let request = async_nats::Request::new()
            .payload(bytes.into())
            .timeout(Some(Duration::from_secs(2)));
        self.client
            .send_request(format!("{}.{subject}", self.prefix), request)
            .await
            .map(|m| m.payload.to_vec())
            .map_err(|e| e.to_string())
    }

    /// Publishes raw bytes on a subject of the cluster (for tests of permissions: a
    /// watcher's credentials should make the server refuse this).
    ///
    /// # Errors
    /// When the client cannot queue it.
    pub async fn publish_raw(&self, subject: &str, bytes: Vec<u8>) -> Result<(), String> {
        self.client
            .publish(format!("{}.{subject}", self.prefix), bytes.into())
            .await
            .map_err(|e| e.to_string())?;
        self.client.flush().await.map_err(|e| e.to_string())
    }
}

fn log(view: &mut View, event: NodeEvent) {
    if view.log.len() == LOG {
        view.log.remove(0);
    }
    view.log.push((super::unix_ms(), event));
    view.logged += 1;
}

fn heard(view: &Mutex<View>, info: NodeInfo) {
    let mut view = view.lock().expect("watcher lock");
    let id = info.id;
    let leaving = info.leaving;
    let name = info.name.clone();
    let event = match view.nodes.get_mut(&id) {
        Some(seen) => {
            let was_up = seen.up;
            seen.info = info;
            seen.heard = Instant::now();
            if leaving && was_up {
                seen.up = false;
                seen.down_reason = Some("it left the cluster".into());
                seen.down_since_ms = Some(super::unix_ms());
                Some(NodeEvent {
                    id,
                    name,
                    down: seen.down_reason.clone(),
                })
            } else if !leaving && !was_up {
                seen.up = true;
                seen.up_since_ms = super::unix_ms();
                seen.down_reason = None;
                seen.down_since_ms = None;
                Some(NodeEvent {
                    id,
                    name,
                    down: None,
                })
            } else {
                None
            }
        }
        None if !leaving => {
            // Up since it started, as far as a watcher that just came can tell.
            let started = Some(info.started_ms).filter(|ms| *ms > 0);
            view.nodes.insert(
                id,
                Seen {
                    info,
                    heard: Instant::now(),
                    up: true,
                    up_since_ms: started.unwrap_or_else(super::unix_ms),
                    down_reason: None,
                    down_since_ms: None,
                    rtt_us: None,
                },
            );
            Some(NodeEvent {
                id,
                name,
                down: None,
            })
        }
        None => None,
    };
    if let Some(event) = event {
        log(&mut view, event);
    }
}
