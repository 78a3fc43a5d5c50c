//! The one writer of a node's frames: it publishes each peer's batches in order, and
//! whatever queued while it published goes out in the next batches (batching under load
//! costs no waiting when idle).

use std::sync::Arc;

use super::node::ClusterInner;

/// Runs until the process ends.
pub(crate) async fn run(inner: Arc<ClusterInner>) {
    loop {
        inner.wake_writer.notified().await;
        loop {
            let mut published = false;
            for peer in inner.all_peers() {
                let batches = {
                    let mut st = peer.lock();
                    if !st.up || !st.session.has_output() {
                        continue;
                    }
                    st.session.take()
                };
                for batch in batches {
                    published = true;
                    if let Err(e) = inner
                        .client
                        .publish(peer.subject.clone(), batch.into())
                        .await
                    {
                        // The pair's sequence numbers find what this lost.
                        tracing::warn!("cannot publish to node {}: {e}", peer.id);
                    }
                }
            }
            if !published {
                break;
            }
        }
    }
}
