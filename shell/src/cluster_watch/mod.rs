//! `grain observe --nats URL --cluster NAME`: the observer on a whole cluster, joined as a
//! [`Watcher`] — no node id, in nobody's `nodes()`, and with a watcher's credentials
//! unable to spawn, send or kill. Every node's table is asked for at a bounded rate
//! ([`POLL`]); a node that goes down shows as down, with why, not as an error.

mod poll;

use std::sync::mpsc;

use grain::Pid;
use grain::cluster::{ClusterConfig, ClusterError, Watcher};
use grain::observe::Update;
use grain_tui::Node;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

pub use poll::{POLL, Poller, ROWS};

/// A cluster watched through a [`Watcher`], as the observer's [`Node`].
pub struct ClusterWatch {
    watcher: Watcher,
    handle: Handle,
    updates: mpsc::Receiver<Update>,
    task: JoinHandle<()>,
}

impl ClusterWatch {
    /// Joins the cluster `config` names as a watcher, and starts asking its nodes on the
    /// runtime of `handle`. Call it from outside that runtime.
    ///
    /// # Errors
    /// When NATS cannot be reached or refuses the credentials, or the name is invalid.
    pub fn connect(config: &ClusterConfig, handle: Handle) -> Result<Self, ClusterError> {
        let watcher = handle.block_on(Watcher::connect(config))?;
        let (tx, updates) = mpsc::channel();
        let mut poller = Poller::new(watcher.clone(), &config.cluster);
        let task = handle.spawn(async move {
            let mut tick = tokio::time::interval(POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if tx.send(poller.round().await).is_err() {
                    break;
                }
            }
        });
        Ok(ClusterWatch {
            watcher,
            handle,
            updates,
            task,
        })
    }
}

impl Drop for ClusterWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Node for ClusterWatch {
    fn poll(&mut self) -> Option<Vec<Update>> {
        let mut updates = Vec::new();
        loop {
            match self.updates.try_recv() {
                Ok(u) => updates.push(u),
                Err(mpsc::TryRecvError::Empty) => return Some(updates),
                Err(mpsc::TryRecvError::Disconnected) => {
                    return (!updates.is_empty()).then_some(updates);
                }
            }
        }
    }

    fn kill(&mut self, pid: Pid) -> String {
        format!(
            "a watcher only looks: it cannot kill {pid} (grain shell --nats, or --attach its node)"
        )
    }

    fn look_only(&self) -> bool {
        true
    }

    fn info(&mut self, pid: Pid) -> String {
        let node = crate::commands::remote::node_label(&self.watcher.nodes(), pid);
        match self.handle.block_on(self.watcher.info(pid)) {
            Ok(answer) => {
                crate::commands::remote::describe(pid, &node, answer).unwrap_or_else(|e| e)
            }
            Err(e) => e,
        }
    }
}
