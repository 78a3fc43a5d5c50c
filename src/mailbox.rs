//! A process's mailbox: a queue with selective receive.
//!
//! Senders push at the back; only the owner takes messages out. Waiting is asynchronous, so a
//! process parked in `receive` holds no worker thread. A selective receive remembers how far it
//! has scanned, so a message arriving in a deep queue costs one comparison, not a rescan.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

use crate::message::Message;

/// A queue of messages with selective receive by tag.
#[derive(Debug, Default)]
pub struct Mailbox {
    queue: Mutex<VecDeque<Message>>,
    len: AtomicUsize,
    arrived: Notify,
}

impl Mailbox {
    /// Appends a message and wakes the owner if it waits.
    pub fn push(&self, message: Message) {
        let mut queue = self.queue.lock().expect("mailbox lock");
        queue.push_back(message);
        self.len.store(queue.len(), Ordering::Relaxed);
        drop(queue);
        self.arrived.notify_one();
    }

    /// The number of queued messages.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// Is the queue empty?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the first message matching `tags` (`None` = any), if one is queued now.
    pub fn try_take(&self, tags: Option<&[i64]>) -> Option<Message> {
        self.take_from(tags, 0).ok()
    }

    /// Waits for the first message matching `tags`. Cancel-safe: a message is only removed
    /// when this returns it.
    pub async fn take(&self, tags: Option<&[i64]>) -> Message {
        self.take_after(tags, 0).await
    }

    /// A mark for [`Mailbox::take_after`]: the messages queued now.
    pub fn mark(&self) -> usize {
        self.queue.lock().expect("mailbox lock").len()
    }

    /// Like [`Mailbox::take`], but ignores the messages that were queued at `mark` (they cannot
    /// be the awaited reply): the request/response fast path. Take the mark before sending the
    /// request, since the reply may arrive before this is first polled.
    pub async fn take_after(&self, tags: Option<&[i64]>, mut from: usize) -> Message {
        loop {
            let notified = self.arrived.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.take_from(tags, from) {
                Ok(message) => return message,
                Err(scanned) => from = scanned,
            }
            notified.await;
        }
    }

    /// Removes the first match at or after `from`, or says how far the queue was scanned.
    fn take_from(&self, tags: Option<&[i64]>, from: usize) -> Result<Message, usize> {
        let mut queue = self.queue.lock().expect("mailbox lock");
        let found = queue
            .iter()
            .skip(from)
            .position(|m| m.matches(tags))
            .map(|i| i + from);
        match found.and_then(|i| queue.remove(i)) {
            Some(message) => {
                self.len.store(queue.len(), Ordering::Relaxed);
                Ok(message)
            }
            None => Err(queue.len()),
        }
    }

    /// Calls `f` on each queued message, front first, without taking any (for inspection).
    pub fn peek<R>(&self, f: impl FnOnce(&VecDeque<Message>) -> R) -> R {
        f(&self.queue.lock().expect("mailbox lock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::DataMessage;

    fn data(tag: i64) -> Message {
        Message::Data(DataMessage::new(tag, vec![tag as u8]))
    }

    #[tokio::test]
    async fn selective_receive_leaves_others_queued() {
        let mb = Mailbox::default();
        for t in [1, 2, 3] {
            mb.push(data(t));
        }
        assert_eq!(mb.take(Some(&[3])).await.tag(), Some(3));
        assert_eq!(mb.len(), 2);
        assert_eq!(mb.take(None).await.tag(), Some(1));
        assert_eq!(mb.take(None).await.tag(), Some(2));
        assert!(mb.is_empty());
    }

    #[tokio::test]
    async fn a_waiting_receive_wakes_on_a_matching_message_only() {
        let mb = std::sync::Arc::new(Mailbox::default());
        let waiter = {
            let mb = mb.clone();
            tokio::spawn(async move { mb.take(Some(&[7])).await.tag() })
        };
        mb.push(data(1));
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        mb.push(data(7));
        assert_eq!(waiter.await.unwrap(), Some(7));
        assert_eq!(mb.len(), 1);
    }

    #[tokio::test]
    async fn take_after_skips_what_was_queued() {
        let mb = Mailbox::default();
        mb.push(data(5));
        let fut = mb.take_after(Some(&[5]), mb.mark());
        tokio::pin!(fut);
        assert!(futures_poll_once(fut.as_mut()).await.is_none());
        mb.push(data(5));
        assert_eq!(fut.await.tag(), Some(5));
        assert_eq!(mb.len(), 1);
    }

    async fn futures_poll_once<F: std::future::Future + Unpin>(f: F) -> Option<F::Output> {
        tokio::time::timeout(std::time::Duration::from_millis(10), f)
            .await
            .ok()
    }
}
