//! Remote spawn: a request to the target node's `q` subject naming the module by digest;
//! the target fetches and compiles it if needed (in a task of its own), spawns, and answers
//! with the pid.
//!
//! Only limits and permissions travel with the request. The target's sandbox wins: no
//! arguments, environment variables or directories of the spawning node reach the new
//! process, and the target's own caps on memory and fuel apply.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::node::ClusterInner;
use crate::Pid;
use crate::config::ProcessConfig;
use crate::module::Module;
use crate::process::{Param, SpawnRequest};

/// A remote spawn failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpawnError {
    /// No such node is up.
    #[error("node {0} is not up")]
    NoNode(u64),
    /// The module could not be had, or has no such function.
    #[error("{0}")]
    Module(String),
    /// The connection failed or the node did not answer in time.
    #[error("{0}")]
    Connection(String),
}

impl SpawnError {
    /// The code `lunatic::distributed::spawn` returns for it.
    pub fn code(&self) -> u32 {
        match self {
            SpawnError::NoNode(_) => 1,
            SpawnError::Module(_) => 2,
            SpawnError::Connection(_) => 9027,
        }
    }
}

/// What a remote spawn asks for.
#[derive(Debug, Clone)]
pub struct RemoteSpawn<'a> {
    /// The node.
    pub node: u64,
    /// The module (its bytes travel once, by digest).
    pub module: &'a Module,
    /// The exported function.
    pub function: &'a str,
    /// Its arguments.
    pub params: &'a [Param],
    /// Limits and permissions (nothing else of it travels).
    pub config: &'a ProcessConfig,
    /// The spawning process, shown as the new one's parent.
    pub parent: Option<Pid>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Request {
    Spawn {
        module: String,
        name: String,
        function: String,
        params: Vec<(u8, u64, u64)>,
        max_memory: Option<u64>,
        max_fuel: Option<u64>,
        can_spawn: bool,
        can_compile: bool,
        can_create_configs: bool,
        parent: Option<Pid>,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Spawned { pid: Pid },
    Failed { code: u32, message: String },
}

fn wire(p: &Param) -> (u8, u64, u64) {
    match *p {
        Param::I32(v) => (0x7F, v as u32 as u64, 0),
        Param::I64(v) => (0x7E, v as u64, 0),
        Param::V128(v) => (0x7B, v as u64, (v >> 64) as u64),
    }
}

fn unwire((ty, lo, hi): (u8, u64, u64)) -> Result<Param, String> {
    match ty {
        0x7F => Ok(Param::I32(lo as u32 as i32)),
        0x7E => Ok(Param::I64(lo as i64)),
        0x7B => Ok(Param::V128(u128::from(hi) << 64 | u128::from(lo))),
        other => Err(format!("unknown param type {other:#04x}")),
    }
}

fn min_cap(asked: Option<u64>, cap: Option<u64>) -> Option<u64> {
    match (asked, cap) {
        (Some(a), Some(c)) => Some(a.min(c)),
        (a, c) => a.or(c),
    }
}

impl super::Cluster {
    /// Spawns on another node (or this one) and returns the new process's pid.
    ///
    /// # Errors
    /// When the node is not up, the module cannot be had there or has no such function, or
    /// the node does not answer in time.
    pub async fn spawn(&self, req: RemoteSpawn<'_>) -> Result<Pid, SpawnError> {
        self.inner.remote_spawn(req).await
    }
}

impl ClusterInner {
    /// Spawns on another node and returns the new process's pid.
    pub(crate) async fn remote_spawn(&self, req: RemoteSpawn<'_>) -> Result<Pid, SpawnError> {
        if !self.live_nodes().contains(&req.node) {
            return Err(SpawnError::NoNode(req.node));
        }
        let digest = self
            .modules
            .publish(req.module)
            .await
            .map_err(SpawnError::Connection)?;
        let c = req.config;
        let request = Request::Spawn {
            module: digest,
            name: req.module.name().to_owned(),
            function: req.function.to_owned(),
            params: req.params.iter().map(wire).collect(),
            max_memory: c.max_memory,
            max_fuel: c.max_fuel,
            can_spawn: c.can_spawn_processes,
            can_compile: c.can_compile_modules,
            can_create_configs: c.can_create_configs,
            parent: req.parent,
        };
        let payload = serde_json::to_vec(&request).expect("requests serialize");
        let subject = format!("{}.n.{}.q", self.prefix, req.node);
        let ask = async_nats::Request::new()
            .payload(payload.into())
            .timeout(Some(self.config.spawn_timeout));
        // A request in flight when the connection drops, or when the node goes down, is
        // answered now rather than at its timeout.
        let lost = self.conn.lost.notified();
        let peer = self.peer(req.node).ok_or(SpawnError::NoNode(req.node))?;
        let down = peer.downs.notified();
        let answer = tokio::select! {
            answer = self.client.send_request(subject, ask) => answer.map_err(|e| match e.kind() {
                async_nats::RequestErrorKind::NoResponders => SpawnError::NoNode(req.node),
                _ => SpawnError::Connection(format!("spawn on node {}: {e}", req.node)),
            })?,
            () = lost => {
                return Err(SpawnError::Connection(format!(
                    "spawn on node {}: the connection to NATS was lost", req.node
                )));
            }
            () = down => return Err(SpawnError::NoNode(req.node)),
        };
        match serde_json::from_slice::<Reply>(&answer.payload) {
            Ok(Reply::Spawned { pid }) => Ok(pid),
            Ok(Reply::Failed { code: 1, .. }) => Err(SpawnError::NoNode(req.node)),
            Ok(Reply::Failed { code: 2, message }) => Err(SpawnError::Module(message)),
            Ok(Reply::Failed { message, .. }) => Err(SpawnError::Connection(message)),
            Err(e) => Err(SpawnError::Connection(format!(
                "node {} answered the spawn with something else: {e}",
                req.node
            ))),
        }
    }

    /// Answers a request on this node's `q` subject.
    pub(crate) async fn serve_request(self: Arc<Self>, msg: async_nats::Message) {
        let Some(reply_to) = msg.reply.clone() else {
            return;
        };
        let reply = match serde_json::from_slice::<Request>(&msg.payload) {
            Ok(request) => self.serve_spawn(request).await,
            Err(e) => Reply::Failed {
                code: 2,
                message: format!("bad request: {e}"),
            },
        };
        let bytes = serde_json::to_vec(&reply).expect("replies serialize");
        let _ = self.client.publish(reply_to, bytes.into()).await;
    }

    async fn serve_spawn(&self, request: Request) -> Reply {
        let failed = |message: String| Reply::Failed { code: 2, message };
        let Some(rt) = self.rt.upgrade() else {
            return Reply::Failed {
                code: 1,
                message: "the node is stopping".into(),
            };
        };
        let Request::Spawn {
            module,
            name,
            function,
            params,
            max_memory,
            max_fuel,
            can_spawn,
            can_compile,
            can_create_configs,
            parent,
        } = request;
        let module = match self.modules.get(&rt, &module, &name).await {
            Ok(m) => m,
            Err(e) => return failed(e),
        };
        let params: Result<Vec<Param>, String> = params.into_iter().map(unwire).collect();
        let params = match params {
            Ok(p) => p,
            Err(e) => return failed(e),
        };
        let config = ProcessConfig {
            max_memory: min_cap(max_memory, self.config.remote_max_memory),
            max_fuel: min_cap(max_fuel, self.config.remote_max_fuel),
            can_spawn_processes: can_spawn,
            can_compile_modules: can_compile,
            can_create_configs,
            wasi: Default::default(),
        };
        let spawned = rt.spawn(SpawnRequest {
            module,
            function,
            params,
            config: Arc::new(config),
            parent,
            link: None,
            env: None,
        });
        match spawned {
            Ok(cell) => Reply::Spawned { pid: cell.pid },
            Err(e) => failed(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_cross_the_wire_unchanged() {
        let params = [
            Param::I32(-7),
            Param::I64(i64::MIN),
            Param::V128(u128::MAX - 5),
        ];
        for p in params {
            assert_eq!(unwire(wire(&p)), Ok(p));
        }
        assert!(unwire((1, 0, 0)).is_err());
    }

    #[test]
    fn the_target_nodes_cap_wins() {
        assert_eq!(min_cap(Some(10), Some(5)), Some(5));
        assert_eq!(min_cap(None, Some(5)), Some(5));
        assert_eq!(min_cap(Some(10), None), Some(10));
        assert_eq!(min_cap(None, None), None);
    }
}
