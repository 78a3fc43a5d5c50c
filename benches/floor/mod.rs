//! The transport's own cost, the floor under grain's distribution figures: two plain
//! async-nats connections through one nats-server, no grain in between.
//!
//! - round trips: one connection sends a request, the other answers it (async-nats's
//!   request/reply, each trip timed on its own);
//! - one way: one connection publishes numbered 8-byte messages, one NATS message each, and
//!   the other acknowledges every 10,000 (at most 50,000 unacknowledged, or the server
//!   would cut it as a slow consumer) and says when it has them all.

use std::time::{Duration, Instant};

use futures_util::StreamExt;

/// A floor measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum FloorError {
    /// A connection to the server failed.
    #[error("cannot connect to {0}: {1}")]
    Connect(String, async_nats::ConnectError),
    /// Subscribing failed.
    #[error("cannot subscribe: {0}")]
    Subscribe(#[from] async_nats::SubscribeError),
    /// A request failed.
    #[error("request: {0}")]
    Request(#[from] async_nats::RequestError),
    /// A publish failed.
    #[error("publish: {0}")]
    Publish(#[from] async_nats::PublishError),
    /// The receiving connection did not get every message in time.
    #[error("the receiver did not get all {0} messages within 60 s")]
    Lost(u64),
}

async fn connect(url: &str, name: &str) -> Result<async_nats::Client, FloorError> {
    async_nats::ConnectOptions::new()
        .name(name)
        // As grain's nodes do: a burst must not overflow the subscription.
        .subscription_capacity(1 << 20)
        .connect(url)
        .await
        .map_err(|e| FloorError::Connect(url.to_owned(), e))
}

/// `trips` request/reply round trips (after a tenth as many untimed), each in µs.
pub async fn round_trips(url: &str, trips: u64) -> Result<Vec<f64>, FloorError> {
    let (asker, answerer) = (
        connect(url, "floor-a").await?,
        connect(url, "floor-b").await?,
    );
    let subject = format!("floor.{}.echo", std::process::id());
    let mut requests = answerer.subscribe(subject.clone()).await?;
    answerer.flush().await.ok();
    let echo = tokio::spawn(async move {
        while let Some(msg) = requests.next().await {
            if let Some(reply) = msg.reply {
                let _ = answerer.publish(reply, msg.payload).await;
            }
        }
    });
    let payload = bytes::Bytes::from_static(&[0; 8]);
    // The server may not have the answerer's subscription yet: wait until it answers.
    let deadline = Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match asker.request(subject.clone(), payload.clone()).await {
            Ok(_) => break,
            Err(e)
                if e.kind() == async_nats::client::RequestErrorKind::NoResponders
                    && Instant::now() < deadline =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    for _ in 0..trips / 10 {
        asker.request(subject.clone(), payload.clone()).await?;
    }
    let mut times = Vec::with_capacity(trips as usize);
    for _ in 0..trips {
        let start = Instant::now();
        asker.request(subject.clone(), payload.clone()).await?;
        times.push(start.elapsed().as_secs_f64() * 1e6);
    }
    echo.abort();
    Ok(times)
}

/// Messages the receiver acknowledges at a time, and how many may be unacknowledged: a
/// window, or the server cuts a receiver that falls behind (a slow consumer).
const ACK_EVERY: u64 = 10_000;
const WINDOW: u64 = 50_000;

/// Publishes `count` messages to a subscriber on another connection; seconds until it has
/// them all.
pub async fn one_way(url: &str, count: u64) -> Result<f64, FloorError> {
    let (sender, receiver) = (
        connect(url, "floor-a").await?,
        connect(url, "floor-b").await?,
    );
    let subject = format!("floor.{}.sink", std::process::id());
    let acks = format!("floor.{}.acks", std::process::id());
    let mut sink = receiver.subscribe(subject.clone()).await?;
    let mut acked = sender.subscribe(acks.clone()).await?;
    receiver.flush().await.ok();
    sender.flush().await.ok();
    let counter = tokio::spawn(async move {
        let mut got = 0u64;
        while got < count && sink.next().await.is_some() {
            got += 1;
            if got.is_multiple_of(ACK_EVERY) || got == count {
                let _ = receiver.publish(acks.clone(), got.to_string().into()).await;
                let _ = receiver.flush().await;
            }
        }
    });
    let start = Instant::now();
    let mut confirmed = 0u64;
    for i in 0..count {
        if i >= confirmed + WINDOW {
            sender.flush().await.ok();
            confirmed = wait_ack(&mut acked, count).await?;
        }
        sender
            .publish(subject.clone(), i.to_le_bytes().to_vec().into())
            .await?;
    }
    sender.flush().await.ok();
    while confirmed < count {
        confirmed = wait_ack(&mut acked, count).await?;
    }
    let took = start.elapsed().as_secs_f64();
    counter.abort();
    Ok(took)
}

/// The receiver's next acknowledgement: how many it has.
async fn wait_ack(acked: &mut async_nats::Subscriber, count: u64) -> Result<u64, FloorError> {
    match tokio::time::timeout(Duration::from_secs(60), acked.next()).await {
        Ok(Some(msg)) => std::str::from_utf8(&msg.payload)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or(FloorError::Lost(count)),
        _ => Err(FloorError::Lost(count)),
    }
}
