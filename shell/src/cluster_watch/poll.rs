//! The watcher's side of the data plane: every node's table, asked at a bounded rate,
//! folded into the same updates a node's aggregator sends (a snapshot, then deltas).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use grain::Pid;
use grain::cluster::{NodeEvent, Watcher};
use grain::observe::{ClusterView, Delta, Event, EventKind, ProcessRow, Snapshot, Totals, Update};

/// How often every node's table is asked for.
pub const POLL: Duration = Duration::from_secs(1);
/// The most rows asked of one node.
pub const ROWS: usize = 2_000;

/// What the poller knows between two rounds.
pub struct Poller {
    watcher: Watcher,
    cluster: String,
    start_ms: u64,
    /// How many node ups and downs of the watcher's log were turned into events.
    logged: u64,
    /// Each node's rows as last sent.
    rows: HashMap<u64, BTreeMap<Pid, ProcessRow>>,
    /// Each node's counters from its last answer.
    totals: HashMap<u64, Totals>,
    started: bool,
}

impl Poller {
    /// A poller of `cluster` through `watcher`.
    pub fn new(watcher: Watcher, cluster: &str) -> Self {
        Poller {
            watcher,
            cluster: cluster.to_owned(),
            start_ms: grain::cluster::unix_ms(),
            logged: 0,
            rows: HashMap::new(),
            totals: HashMap::new(),
            started: false,
        }
    }

    /// One round: asks every node up for its table (all at once; a node that does not
    /// answer keeps its last rows, a node down loses them) and says what changed.
    pub async fn round(&mut self) -> Update {
        let up: Vec<u64> = self
            .watcher
            .nodes()
            .iter()
            .filter(|n| n.up)
            .map(|n| n.id)
            .collect();
        let mut asks = tokio::task::JoinSet::new();
        for id in &up {
            let (watcher, id) = (self.watcher.clone(), *id);
            asks.spawn(async move { (id, watcher.table(id, ROWS).await) });
        }
        let mut answers = HashMap::new();
        while let Some(Ok((id, answer))) = asks.join_next().await {
            if let Ok(table) = answer {
                answers.insert(id, table);
            }
        }
        // The statuses after the questions: they carry the round trips just measured.
        let nodes = self.watcher.nodes();
        let clock_ms = grain::cluster::unix_ms();
        let at_us = clock_ms.saturating_sub(self.start_ms) * 1_000;
        let mut changed = Vec::new();
        let mut removed = Vec::new();
        let gone: Vec<u64> = self
            .rows
            .keys()
            .filter(|id| !up.contains(id))
            .copied()
            .collect();
        for id in gone {
            removed.extend(self.rows.remove(&id).unwrap_or_default().into_keys());
            self.totals.remove(&id);
        }
        for (id, table) in answers {
            let new: BTreeMap<Pid, ProcessRow> =
                table.rows.into_iter().map(|r| (r.pid, r)).collect();
            let old = self.rows.remove(&id).unwrap_or_default();
            removed.extend(old.keys().filter(|p| !new.contains_key(p)));
            changed.extend(
                new.values()
                    .filter(|r| old.get(&r.pid) != Some(*r))
                    .cloned(),
            );
            self.rows.insert(id, new);
            self.totals.insert(id, table.totals);
        }
        changed.sort_by_key(|r| r.pid);
        removed.sort();
        let (log, logged) = self.watcher.log_since(self.logged);
        self.logged = logged;
        let events = log.into_iter().map(|e| self.event(e)).collect();
        let cluster = Some(ClusterView {
            cluster: self.cluster.clone(),
            this: None,
            clock_ms,
            nodes,
        });
        let totals = self.totals.values().fold(Totals::default(), |mut t, n| {
            t.alive += n.alive;
            t.spawned += n.spawned;
            t.exited += n.exited;
            t.dropped_events += n.dropped_events;
            t.memory_bytes += n.memory_bytes;
            t.rss_bytes += n.rss_bytes;
            t
        });
        if !self.started {
            self.started = true;
            return Update::Full(Snapshot {
                at_us,
                processes: changed,
                events,
                exits: Vec::new(),
                totals,
                cluster,
            });
        }
        Update::Delta(Delta {
            at_us,
            changed,
            removed,
            events,
            totals,
            cluster,
        })
    }

    /// A node up or down from the watcher's log, as an event of the data plane.
    fn event(&self, (ms, e): (u64, NodeEvent)) -> Event {
        let kind = match e.down {
            None => EventKind::NodeUp {
                node: e.id,
                name: e.name,
            },
            Some(reason) => EventKind::NodeDown {
                node: e.id,
                name: e.name,
                reason,
            },
        };
        Event {
            at_us: ms.saturating_sub(self.start_ms) * 1_000,
            pid: Pid::new(e.id, 0),
            kind,
        }
    }
}
