//! Read-only questions to another node (`i` subject): its process table, one process. The
//! answers are the observer data plane's own types. Watchers may ask these; they cannot
//! reach the `d` and `q` subjects that change a node.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::node::ClusterInner;
use crate::Pid;
use crate::config::ProcessConfig;
use crate::observe::{ProcessRow, Totals};
use crate::runtime::{ExitRecord, RuntimeInner};

/// The most rows one answer carries (a NATS message has a size limit).
const MAX_ROWS: usize = 2_000;

/// A node's process table, or its first rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteTable {
    /// The node.
    pub node: u64,
    /// Rows, by pid.
    pub rows: Vec<ProcessRow>,
    /// The node's counters.
    pub totals: Totals,
    /// More processes are alive than `rows` holds.
    pub truncated: bool,
    /// How long the question took to answer (µs), as the asker measured it.
    #[serde(default)]
    pub rtt_us: u64,
}

/// Everything about one process of another node, or how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessInfo {
    /// It is alive.
    Alive {
        /// Its row of the table.
        row: Box<ProcessRow>,
        /// Its links with their tags.
        links: Vec<(Pid, Option<i64>)>,
        /// Who it monitors.
        monitoring: Vec<Pid>,
        /// Who monitors it.
        monitored_by: Vec<Pid>,
        /// Its limits and permissions.
        config: ProcessConfig,
        /// Does it trap link deaths?
        traps_link_deaths: bool,
    },
    /// It ended (recently enough to be remembered).
    Ended(ExitRecord),
    /// The node knows no such process.
    Unknown,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Question {
    Table { limit: usize },
    Info { pid: Pid },
}

fn table(rt: &RuntimeInner, node: u64, limit: usize) -> RemoteTable {
    let mut rows: Vec<ProcessRow> = rt
        .processes
        .iter()
        .map(|e| crate::observe::row(rt, e.value()))
        .collect();
    rows.sort_by_key(|r| r.pid);
    let alive = rows.len();
    rows.truncate(limit.min(MAX_ROWS));
    RemoteTable {
        node,
        truncated: rows.len() < alive,
        rows,
        totals: rt.totals(),
        rtt_us: 0,
    }
}

impl crate::Runtime {
    /// What this node knows of `pid`, as another node or a watcher is told (no shell
    /// session is needed to ask: the observer's detail uses it over the control socket).
    pub fn process_info(&self, pid: Pid) -> ProcessInfo {
        info(&self.inner, pid)
    }
}

fn info(rt: &RuntimeInner, pid: Pid) -> ProcessInfo {
    let Some(cell) = rt.cell(pid) else {
        return rt
            .exited_record(pid)
            .map_or(ProcessInfo::Unknown, ProcessInfo::Ended);
    };
    let process = crate::Process { cell: cell.clone() };
    let mut config = (*cell.config).clone();
    config.wasi = Default::default();
    ProcessInfo::Alive {
        row: Box::new(crate::observe::row(rt, &cell)),
        links: process.links(),
        monitoring: process.monitoring(),
        monitored_by: process.monitored_by(),
        config,
        traps_link_deaths: process.traps_link_deaths(),
    }
}

impl ClusterInner {
    /// Answers a question on this node's `i` subject.
    pub(crate) async fn serve_inspect(&self, msg: async_nats::Message) {
        let (Some(reply_to), Some(rt)) = (msg.reply.clone(), self.rt.upgrade()) else {
            return;
        };
        let answer = match serde_json::from_slice::<Question>(&msg.payload) {
            Ok(Question::Table { limit }) => serde_json::to_vec(&table(&rt, self.id, limit)),
            Ok(Question::Info { pid }) => serde_json::to_vec(&info(&rt, pid)),
            Err(_) => return,
        };
        if let Ok(bytes) = answer {
            let _ = self.client.publish(reply_to, bytes.into()).await;
        }
    }
}

/// Asks `node` through `client` and decodes the answer.
async fn ask<T: serde::de::DeserializeOwned>(
    client: &async_nats::Client,
    prefix: &str,
    node: u64,
    question: &Question,
) -> Result<(T, Duration), String> {
    let subject = format!("{prefix}.n.{node}.i");
    let payload = serde_json::to_vec(question).expect("questions serialize");
    let start = Instant::now();
    let request = async_nats::Request::new()
        .payload(payload.into())
        .timeout(Some(Duration::from_secs(5)));
    let answer = client
        .send_request(subject, request)
        .await
        .map_err(|e| format!("node {node} did not answer: {e}"))?;
    let took = start.elapsed();
    serde_json::from_slice(&answer.payload)
        .map(|t| (t, took))
        .map_err(|e| format!("node {node} answered something else: {e}"))
}

/// Node `node`'s process table (its first `limit` rows by pid).
pub(crate) async fn remote_table(
    client: &async_nats::Client,
    prefix: &str,
    node: u64,
    limit: usize,
) -> Result<RemoteTable, String> {
    let (mut table, took): (RemoteTable, _) =
        ask(client, prefix, node, &Question::Table { limit }).await?;
    table.rtt_us = took.as_micros() as u64;
    Ok(table)
}

/// What node `pid.node()` says of `pid`.
pub(crate) async fn remote_info(
    client: &async_nats::Client,
    prefix: &str,
    pid: Pid,
) -> Result<ProcessInfo, String> {
    ask(client, prefix, pid.node(), &Question::Info { pid })
        .await
        .map(|(info, _)| info)
}

impl ClusterInner {
    /// Does process `pid` of another node exist? Its node answers; a node that does not
    /// (down, unknown, silent for 5 s) has no processes.
    pub(crate) async fn exists(&self, pid: Pid) -> bool {
        if !self.live_nodes().contains(&pid.node()) {
            return false;
        }
        matches!(
            remote_info(&self.client, &self.prefix, pid).await,
            Ok(ProcessInfo::Alive { .. })
        )
    }
}

impl super::Cluster {
    /// Another node's process table (its first `limit` rows).
    ///
    /// # Errors
    /// When the node does not answer.
    pub async fn remote_table(&self, node: u64, limit: usize) -> Result<RemoteTable, String> {
        remote_table(&self.inner.client, &self.inner.prefix, node, limit).await
    }

    /// What the node of `pid` says of it.
    ///
    /// # Errors
    /// When the node does not answer.
    pub async fn remote_info(&self, pid: Pid) -> Result<ProcessInfo, String> {
        remote_info(&self.inner.client, &self.inner.prefix, pid).await
    }
}
