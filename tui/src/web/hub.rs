//! The hub: one task folds the node's updates into one table that every connection reads,
//! and samples the host once a second. It never waits for a connection.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use grain::observe::{Observer, Update};
use tokio::sync::mpsc;

use crate::host::Host;
use crate::host::HostProbe;
use crate::table::Table;

/// Where the updates come from: a local runtime's [`Observer`], or a channel fed by an
/// attached node's control socket.
pub trait Feed: Send + 'static {
    /// The next update; `None` once the node is gone.
    fn next(&mut self) -> impl Future<Output = Option<Update>> + Send;
}

impl Feed for Observer {
    fn next(&mut self) -> impl Future<Output = Option<Update>> + Send {
        Observer::next(self)
    }
}

impl Feed for mpsc::UnboundedReceiver<Update> {
    fn next(&mut self) -> impl Future<Output = Option<Update>> + Send {
        self.recv()
    }
}

/// How many samples of the node's trend the header keeps (one a second).
pub(crate) const TREND: usize = 120;

/// One second of the node, for the header's sparklines.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sample {
    /// Its number (the first sample is 1).
    pub n: u64,
    pub fuel_per_s: u64,
    pub memory: u64,
    pub cpu: f32,
}

/// The state every connection reads.
pub(crate) struct Hub {
    /// The node as of the last update.
    pub table: RwLock<Table>,
    /// Bumped at every update folded in.
    pub version: AtomicU64,
    /// Bumped when an update may have changed what a page shows of the table (rows, rates,
    /// flashes, events, the cluster): an update of the counters alone does not.
    pub content: AtomicU64,
    /// Bumped when processes came or went (the tree's shape may have changed).
    pub shape: AtomicU64,
    /// The node's stream ended.
    pub ended: AtomicBool,
    /// When the last update came.
    pub heard: Mutex<Instant>,
    /// The host, sampled once a second.
    pub host: Mutex<Option<Host>>,
    /// The last two minutes, one sample a second.
    pub trend: Mutex<VecDeque<Sample>>,
    /// Browsers connected.
    pub connections: AtomicUsize,
}

impl Hub {
    /// Starts folding `feed` and sampling the host (inside a tokio runtime).
    pub(crate) fn start(mut feed: impl Feed) -> Arc<Hub> {
        let hub = Arc::new(Hub {
            table: RwLock::new(Table::default()),
            version: AtomicU64::new(0),
            content: AtomicU64::new(0),
            shape: AtomicU64::new(0),
            ended: AtomicBool::new(false),
            heard: Mutex::new(Instant::now()),
            host: Mutex::new(None),
            trend: Mutex::new(VecDeque::new()),
            connections: AtomicUsize::new(0),
        });
        let folding = Arc::downgrade(&hub);
        tokio::spawn(async move {
            while let Some(update) = feed.next().await {
                let Some(hub) = folding.upgrade() else { return };
                hub.fold(&update);
            }
            if let Some(hub) = folding.upgrade() {
                hub.ended.store(true, Relaxed);
                hub.content.fetch_add(1, Relaxed);
                hub.version.fetch_add(1, Relaxed);
            }
        });
        let sampling = Arc::downgrade(&hub);
        tokio::spawn(async move {
            let mut probe = HostProbe::default();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let Some(hub) = sampling.upgrade() else {
                    return;
                };
                hub.sample(probe.sample());
            }
        });
        hub
    }

    /// Folds one update in.
    pub(crate) fn fold(&self, update: &Update) {
        let mut table = self.table.write().unwrap_or_else(|e| e.into_inner());
        let lively = |t: &Table| !t.fuel_rate.is_empty() || !t.flash.is_empty();
        let (reshaped, shown) = match update {
            Update::Full(_) => (true, true),
            Update::Delta(d) => (
                !d.removed.is_empty() || d.changed.iter().any(|r| !table.rows.contains_key(&r.pid)),
                !d.changed.is_empty()
                    || !d.removed.is_empty()
                    || !d.events.is_empty()
                    || d.cluster.is_some()
                    || lively(&table),
            ),
        };
        table.apply(update);
        let shown = shown || lively(&table);
        drop(table);
        if reshaped {
            self.shape.fetch_add(1, Relaxed);
        }
        if shown {
            self.content.fetch_add(1, Relaxed);
        }
        *self.heard.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.version.fetch_add(1, Relaxed);
    }

    /// Takes in a sample of the host, with the node's figures of this moment.
    pub(crate) fn sample(&self, host: Host) {
        let (fuel_per_s, memory) = {
            let t = self.table.read().unwrap_or_else(|e| e.into_inner());
            (t.fuel_per_s(), t.memory())
        };
        *self.host.lock().unwrap_or_else(|e| e.into_inner()) = Some(host);
        let mut trend = self.trend.lock().unwrap_or_else(|e| e.into_inner());
        let n = trend.back().map_or(1, |s| s.n + 1);
        if trend.len() == TREND {
            trend.pop_front();
        }
        trend.push_back(Sample {
            n,
            fuel_per_s,
            memory,
            cpu: host.cpu,
        });
    }

    /// How many samples of the host were taken.
    pub(crate) fn samples(&self) -> u64 {
        let trend = self.trend.lock().unwrap_or_else(|e| e.into_inner());
        trend.back().map_or(0, |s| s.n)
    }

    /// How long since the last update.
    pub(crate) fn quiet(&self) -> Duration {
        self.heard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }
}
