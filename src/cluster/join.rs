//! Joining and leaving.
//!
//! A node's id comes from a compare-and-set counter in a JetStream KV bucket, so ids are
//! fresh at every start and never reused. The node registry (another bucket, whose entries
//! expire unless refreshed) says who claims a name.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use async_nats::jetstream::kv;
use futures_util::StreamExt;

use super::connect::connect;
use super::node::ClusterInner;
use super::{Cluster, ClusterConfig, ClusterError, NodeInfo, prefix, unix_ms, valid_name};
use crate::{Runtime, RuntimeConfig};

/// How often a node rewrites its registry entry (which expires after three times that).
pub(super) const REFRESH: Duration = Duration::from_secs(10);

fn js_error(e: impl std::fmt::Display) -> ClusterError {
    ClusterError::JetStream(e.to_string())
}

/// Opens (creating if needed) a KV bucket of the cluster.
///
/// The bucket's stream is created here with the settings async-nats gives a KV bucket:
/// its own `create_key_value` first asks for the account's info, whose answer from
/// nats-server 2.9 (Debian's) lacks fields async-nats 0.51 requires.
pub(crate) async fn bucket(
    js: &async_nats::jetstream::Context,
    name: String,
    max_age: Duration,
) -> Result<kv::Store, ClusterError> {
    use async_nats::jetstream::stream;
    let config = stream::Config {
        name: format!("KV_{name}"),
        subjects: vec![format!("$KV.{name}.>")],
        max_messages_per_subject: 1,
        max_age,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: stream::DiscardPolicy::New,
        num_replicas: 1,
        ..Default::default()
    };
    let created = js.get_or_create_stream(config).await;
    match js.get_key_value(name).await {
        Ok(store) => Ok(store),
        Err(e) => Err(js_error(match created {
            Err(c) => format!("{c} ({e})"),
            Ok(_) => e.to_string(),
        })),
    }
}

/// Takes the next node id: a compare-and-set on the counter, retried on conflict.
async fn allocate_id(ids: &kv::Store) -> Result<u64, ClusterError> {
    for _ in 0..100 {
        let entry = ids.entry("next").await.map_err(js_error)?;
        let result = match entry.filter(|e| e.operation == kv::Operation::Put) {
            None => ids.create("next", "2".into()).await.map(|_| 1).ok(),
            Some(e) => {
                let next: u64 = std::str::from_utf8(&e.value)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1);
                let bumped = (next + 1).to_string();
                ids.update("next", bumped.into(), e.revision)
                    .await
                    .map(|_| next)
                    .ok()
            }
        };
        if let Some(id) = result {
            return Ok(id);
        }
    }
    Err(ClusterError::JetStream(
        "could not allocate a node id (too many concurrent joins)".into(),
    ))
}

/// Refuses `name` if the node registered under it still sends heartbeats.
async fn check_name(
    config: &ClusterConfig,
    registry: &kv::Store,
    heartbeats: &mut async_nats::Subscriber,
) -> Result<(), ClusterError> {
    let key = format!("name.{}", config.name);
    let Some(holder) = registry.get(key).await.map_err(js_error)? else {
        return Ok(());
    };
    let Some(holder) = std::str::from_utf8(&holder)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    else {
        return Ok(());
    };
    let wait = tokio::time::sleep(config.down_after);
    tokio::pin!(wait);
    loop {
        tokio::select! {
            _ = &mut wait => return Ok(()),
            msg = heartbeats.next() => {
                let Some(msg) = msg else { return Ok(()) };
                if let Ok(info) = serde_json::from_slice::<NodeInfo>(&msg.payload)
                    && info.id == holder && !info.leaving
                {
                    return Err(ClusterError::NameTaken {
                        name: config.name.clone(),
                        cluster: config.cluster.clone(),
                        id: holder,
                    });
                }
            }
        }
    }
}

/// Joins the cluster as a node: a runtime whose pids carry the node's fresh id.
///
/// Returns once the nodes already registered have been heard from (or `down_after` has
/// passed), so a program's first `nodes()` sees the cluster.
///
/// # Errors
/// When NATS cannot be reached or refuses the credentials, JetStream is not enabled, a
/// name is invalid or taken, or the runtime cannot start.
pub async fn join(
    config: ClusterConfig,
    rt_config: RuntimeConfig,
) -> Result<(Runtime, Cluster), ClusterError> {
    for (what, name) in [("cluster", &config.cluster), ("node", &config.name)] {
        if !valid_name(name) {
            return Err(ClusterError::BadName {
                what,
                name: name.clone(),
            });
        }
    }
    let prefix = prefix(&config.cluster);
    let label = format!("grain node {}/{}", config.cluster, config.name);
    let (client, conn) = connect(&config, &label).await?;
    let nats = |e: async_nats::SubscribeError| ClusterError::Nats(e.to_string());
    let js = async_nats::jetstream::new(client.clone());
    let ids = bucket(&js, format!("grain-{}-ids", config.cluster), Duration::ZERO).await?;
    let registry = bucket(&js, format!("grain-{}-nodes", config.cluster), REFRESH * 3).await?;
    let mut heartbeats = client
        .subscribe(format!("{prefix}.hb.*"))
        .await
        .map_err(nats)?;
    check_name(&config, &registry, &mut heartbeats).await?;
    let id = allocate_id(&ids).await?;
    let rt = Runtime::new(RuntimeConfig {
        node_id: id,
        ..rt_config
    })
    .map_err(|e| ClusterError::Nats(format!("cannot start the runtime: {e}")))?;
    let max_batch = match client.server_info().max_payload {
        0 => 1 << 20,
        n => n.min(8 << 20),
    };
    let modules = super::modules::ModuleStore::open(&js, &config.cluster).await?;
    let data = client
        .subscribe(format!("{prefix}.n.{id}.>"))
        .await
        .map_err(nats)?;
    let (events, _) = tokio::sync::broadcast::channel(256);
    let inner = Arc::new(ClusterInner {
        id,
        name: config.name.clone(),
        config,
        prefix,
        client,
        conn,
        registry,
        started: Instant::now(),
        started_ms: unix_ms(),
        peers: Default::default(),
        wake_writer: Default::default(),
        rt: Arc::downgrade(&rt.inner),
        modules,
        max_batch,
        counters: Default::default(),
        events,
        leaving: Default::default(),
    });
    let _ = rt.inner.cluster.set(inner.clone());
    inner.register().await;
    let known = inner.registered_peers().await;
    tokio::spawn(super::writer::run(inner.clone()));
    tokio::spawn(super::membership::dispatch(inner.clone(), data));
    tokio::spawn(super::membership::heartbeats_in(inner.clone(), heartbeats));
    tokio::spawn(super::membership::ticker(inner.clone()));
    // Every live node sends a heartbeat each tick: after a tick (and a little) this node
    // has heard them all, registered or not. Registered ones are waited for up to
    // `down_after`.
    let start = Instant::now();
    let (heard_all, give_up) = (inner.config.tick * 5 / 4, inner.config.down_after);
    while start.elapsed() < give_up
        && (start.elapsed() < heard_all || !known.iter().all(|id| inner.live_nodes().contains(id)))
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok((rt, Cluster { inner }))
}

impl ClusterInner {
    /// Writes this node's registry entries.
    pub(super) async fn register(&self) {
        let info = serde_json::to_vec(&self.info()).expect("node info serializes");
        let _ = self
            .registry
            .put(format!("id.{}", self.id), info.into())
            .await;
        let name = format!("name.{}", self.name);
        let _ = self.registry.put(name, self.id.to_string().into()).await;
    }

    /// The ids of the other nodes in the registry (recently refreshed: entries expire).
    async fn registered_peers(&self) -> Vec<u64> {
        let Ok(mut keys) = self.registry.keys().await else {
            return Vec::new();
        };
        let mut ids = Vec::new();
        while let Some(Ok(key)) = keys.next().await {
            if let Some(id) = key.strip_prefix("id.").and_then(|s| s.parse::<u64>().ok())
                && id != self.id
            {
                ids.push(id);
            }
        }
        ids
    }
}

/// Leaves in order: a last heartbeat saying so, the registry entries removed.
/// How long a leaving node tries to say goodbye; a node whose server is gone leaves
/// without it (its peers see its heartbeats stop, and its entries expire).
const LEAVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Leaves the cluster; false if the server did not answer in time (the node leaves all the
/// same, without a goodbye).
pub(crate) async fn leave(inner: &ClusterInner) -> bool {
    inner.leaving.store(true, Ordering::Relaxed);
    tokio::time::timeout(LEAVE_TIMEOUT, goodbye(inner))
        .await
        .is_ok()
}

async fn goodbye(inner: &ClusterInner) {
    inner.heartbeat().await;
    let _ = inner.registry.delete(format!("id.{}", inner.id)).await;
    let name = format!("name.{}", inner.name);
    if let Ok(Some(holder)) = inner.registry.get(name.clone()).await
        && holder.as_ref() == inner.id.to_string().as_bytes()
    {
        let _ = inner.registry.delete(name).await;
    }
    let _ = inner.client.flush().await;
}
