//! The cluster part of a table: the nodes as the last update said, their message rates
//! derived from consecutive updates, and the log of node ups and downs.

use std::collections::{BTreeMap, HashMap, VecDeque};

use grain::Pid;
use grain::cluster::NodeStatus;
use grain::observe::{ClusterView, Event, EventKind};

/// How many node ups and downs the log keeps.
pub const NODE_LOG: usize = 200;
/// Over how long (µs) messages per second are averaged.
pub const RATE_WINDOW_US: u64 = 2_000_000;

/// The cluster the watched node is in (or the one a watcher watches).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nodes {
    /// The cluster's name.
    pub cluster: String,
    /// The node watched; `None` for a watcher.
    pub this: Option<u64>,
    /// The wall clock of the last view (ms since the Unix epoch) and the table's time then
    /// (µs): the clock now is read from both.
    pub clock: (u64, u64),
    /// Every node known, by id.
    pub nodes: BTreeMap<u64, NodeStatus>,
    /// Messages per second (sent and received, between nodes) of each node.
    pub rate: HashMap<u64, u64>,
    samples: HashMap<u64, VecDeque<(u64, u64)>>,
    /// Node ups and downs, oldest first.
    pub log: VecDeque<Event>,
}

impl Nodes {
    /// Takes in a view that arrived at `at_us`.
    pub fn view(&mut self, view: &ClusterView, at_us: u64) {
        self.cluster.clone_from(&view.cluster);
        self.this = view.this;
        self.clock = (view.clock_ms, at_us);
        self.nodes = view.nodes.iter().map(|n| (n.id, n.clone())).collect();
        self.samples.retain(|id, _| self.nodes.contains_key(id));
        self.rate.retain(|id, _| self.nodes.contains_key(id));
    }

    /// Samples every node's message counters at `at_us` and updates the rates.
    pub fn sample(&mut self, at_us: u64) {
        for (id, node) in &self.nodes {
            let ring = self.samples.entry(*id).or_default();
            if ring.back().is_some_and(|(t, _)| *t >= at_us) {
                continue;
            }
            ring.push_back((at_us, node.sent + node.received));
            while ring.len() > 2
                && ring
                    .get(1)
                    .is_some_and(|(t, _)| at_us.saturating_sub(*t) >= RATE_WINDOW_US)
            {
                ring.pop_front();
            }
            let rate = match (ring.front(), ring.back()) {
                (Some((t0, n0)), Some((t1, n1))) if t1 > t0 => {
                    n1.saturating_sub(*n0).saturating_mul(1_000_000) / (t1 - t0)
                }
                _ => 0,
            };
            self.rate.insert(*id, rate);
        }
    }

    /// Remembers a node up or down; other events are not the log's.
    pub fn event(&mut self, e: &Event) {
        if matches!(
            e.kind,
            EventKind::NodeUp { .. } | EventKind::NodeDown { .. }
        ) {
            if self.log.len() == NODE_LOG {
                self.log.pop_front();
            }
            self.log.push_back(e.clone());
        }
    }

    /// The wall clock (ms since the Unix epoch) at the table's time `at_us`.
    pub fn clock_ms(&self, at_us: u64) -> u64 {
        self.clock.0 + at_us.saturating_sub(self.clock.1) / 1_000
    }

    /// The name of node `id`, or its id when it is not known.
    pub fn name(&self, id: u64) -> String {
        self.nodes
            .get(&id)
            .map_or_else(|| id.to_string(), |n| n.name.clone())
    }

    /// Where `pid` lives, as a cell shows it: its node's name.
    pub fn node_of(&self, pid: Pid) -> String {
        self.name(pid.node())
    }

    /// Is node `id` known to be down?
    pub fn is_down(&self, id: u64) -> bool {
        self.nodes.get(&id).is_some_and(|n| !n.up)
    }

    /// How many nodes are up and how many down.
    pub fn counts(&self) -> (usize, usize) {
        let up = self.nodes.values().filter(|n| n.up).count();
        (up, self.nodes.len() - up)
    }
}
