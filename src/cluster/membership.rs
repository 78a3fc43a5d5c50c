//! Liveness: heartbeats, failure detection, and the tasks that read a node's subjects.
//!
//! A peer is up from its first heartbeat (or accepted batch) and down when none came for
//! `down_after`, when it says it leaves, or when this node has lost NATS for that long
//! (then this node declares its peers down locally and deletes nobody's state).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

use super::frame::Frame;
use super::join::REFRESH;
use super::node::{ClusterInner, NodeEvent, Peer, PeerState};
use super::{NodeInfo, unix_ms};
use crate::Pid;
use crate::observe::EventKind;
use crate::runtime::RuntimeInner;

/// How long a node that went down stays in `nodes` (with why it went down). Its ids are
/// never reused, so forgetting it loses nothing: a node that comes back has a new id.
const FORGET_AFTER: Duration = Duration::from_secs(300);

impl ClusterInner {
    /// The peer is up (its heartbeat, or a batch, came). True if it has output waiting.
    pub(crate) fn mark_up(&self, rt: &RuntimeInner, st: &mut PeerState, node: u64) -> bool {
        st.up = true;
        st.down_since = None;
        st.up_since_ms = unix_ms();
        st.down_reason = None;
        st.last_heard = Instant::now();
        let name = st.info.as_ref().map(|i| i.name.clone()).unwrap_or_default();
        rt.emit(
            Pid::new(node, 0),
            EventKind::NodeUp {
                node,
                name: name.clone(),
            },
        );
        let _ = self.events.send(NodeEvent {
            id: node,
            name,
            down: None,
        });
        st.session.has_output()
    }

    /// The peer is down: every relation with it fires, waiters on it wake.
    pub(crate) fn mark_down(&self, rt: &RuntimeInner, peer: &Peer, st: &mut PeerState, why: &str) {
        if !st.up {
            return;
        }
        st.up = false;
        st.down_since = Some(Instant::now());
        st.down_reason = Some(why.to_owned());
        self.break_pair(rt, st, peer.id);
        peer.downs.notify_waiters();
        let name = st.info.as_ref().map(|i| i.name.clone()).unwrap_or_default();
        tracing::info!("node {} ({name}) is down: {why}", peer.id);
        rt.emit(
            Pid::new(peer.id, 0),
            EventKind::NodeDown {
                node: peer.id,
                name: name.clone(),
                reason: why.to_owned(),
            },
        );
        let _ = self.events.send(NodeEvent {
            id: peer.id,
            name,
            down: Some(why.to_owned()),
        });
    }

    pub(super) async fn heartbeat(&self) {
        let info = serde_json::to_vec(&self.info()).expect("node info serializes");
        let subject = format!("{}.hb.{}", self.prefix, self.id);
        let _ = self.client.publish(subject, info.into()).await;
    }

    /// One tick: a heartbeat, a tick frame to every peer up, and the failure check.
    fn tick(&self, rt: &RuntimeInner) {
        let lost = self
            .conn
            .down_for()
            .is_some_and(|d| d > self.config.down_after);
        let mut wake = false;
        let mut forget = Vec::new();
        for peer in self.all_peers() {
            let mut st = peer.lock();
            if !st.up {
                if st.down_since.is_some_and(|t| t.elapsed() > FORGET_AFTER) {
                    forget.push(peer.id);
                }
                continue;
            }
            let silent = st.last_heard.elapsed();
            if lost {
                self.mark_down(rt, &peer, &mut st, "this node lost its connection to NATS");
            } else if silent > self.config.down_after {
                let why = format!("no heartbeat for {} ms", silent.as_millis());
                self.mark_down(rt, &peer, &mut st, &why);
            } else {
                let (echo_us, held_us) = st
                    .peer_tick
                    .map_or((0, 0), |(sent, at)| (sent, at.elapsed().as_micros() as u64));
                let sent_us = self.now_us().max(1);
                st.session.push(&Frame::Tick {
                    sent_us,
                    echo_us,
                    held_us,
                });
                wake = true;
            }
        }
        if wake {
            self.wake_writer.notify_one();
        }
        if !forget.is_empty() {
            let mut peers = self.peers.write().expect("peers lock");
            for id in forget {
                peers.remove(&id);
            }
        }
    }
}

/// Reads the node's own subjects, in order.
pub(super) async fn dispatch(inner: Arc<ClusterInner>, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(rt) = inner.rt.upgrade() else { break };
        match msg.subject.as_str().rsplit('.').next() {
            Some("d") => inner.on_batch(&rt, &msg.payload),
            Some("q") => {
                let inner = inner.clone();
                tokio::spawn(async move { inner.serve_request(msg).await });
            }
            Some("i") => {
                let inner = inner.clone();
                tokio::spawn(async move { inner.serve_inspect(msg).await });
            }
            _ => {
                inner.counters.foreign.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Follows the heartbeats of the other nodes.
pub(super) async fn heartbeats_in(inner: Arc<ClusterInner>, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(rt) = inner.rt.upgrade() else { break };
        let Ok(info) = serde_json::from_slice::<NodeInfo>(&msg.payload) else {
            inner.counters.foreign.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        let from_subject = msg.subject.as_str().rsplit('.').next() == Some(&info.id.to_string());
        if info.id == inner.id || info.id == 0 || !from_subject {
            continue;
        }
        let peer = inner.peer_or_new(info.id);
        let mut wake = false;
        {
            let mut st = peer.lock();
            let leaving = info.leaving;
            st.info = Some(info);
            if leaving {
                inner.mark_down(&rt, &peer, &mut st, "it left the cluster");
            } else {
                st.last_heard = Instant::now();
                if !st.up {
                    wake = inner.mark_up(&rt, &mut st, peer.id);
                }
            }
        }
        if wake {
            inner.wake_writer.notify_one();
        }
    }
}

/// Heartbeats, ticks and the failure check, every `tick`; the registry entry every
/// [`REFRESH`].
pub(super) async fn ticker(inner: Arc<ClusterInner>) {
    let mut interval = tokio::time::interval(inner.config.tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut refreshed = Instant::now();
    loop {
        interval.tick().await;
        let Some(rt) = inner.rt.upgrade() else { break };
        if inner.leaving.load(Ordering::Relaxed) {
            break;
        }
        inner.heartbeat().await;
        inner.tick(&rt);
        // After a reconnect the server may have lost what was written last (a restarted
        // server, say): write the entry again at once.
        let reconnected = inner.conn.take_reconnected();
        if reconnected || refreshed.elapsed() > REFRESH {
            refreshed = Instant::now();
            inner.register().await;
        }
    }
}
