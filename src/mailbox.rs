//! A process's mailbox: a queue with selective receive.
//!
//! Senders push at the back; only the owner takes messages out. Waiting is asynchronous, so a
//! process parked in `receive` holds no worker thread. A selective receive remembers how far it
//! has scanned, so a message arriving in a deep queue costs one comparison, not a rescan.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use crate::wakers::Wakers;

use crate::message::Message;

/// The future of [`Mailbox::take`] and [`Mailbox::take_after`]: a named type of a few words,
/// since a process parked in `receive` lives in it.
#[derive(Debug)]
#[must_use = "a future does nothing unless awaited"]
pub struct Take<'a> {
    mailbox: &'a Mailbox,
    tags: Option<&'a [i64]>,
    /// How far the queue has been scanned.
    from: usize,
}

impl Future for Take<'_> {
    type Output = Message;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Message> {
        match self
            .mailbox
            .take_from(self.tags, self.from, Some(cx.waker()))
        {
            Ok(message) => Poll::Ready(message),
            Err(scanned) => {
                self.from = scanned;
                Poll::Pending
            }
        }
    }
}

/// A queue of messages with selective receive by tag.
#[derive(Debug, Default)]
pub struct Mailbox {
    inner: Mutex<Inner>,
    len: AtomicUsize,
    /// Host memory the queued messages take (see [`Message::queued_bytes`]).
    bytes: AtomicUsize,
}

/// The queue and whoever waits on it, under one lock.
///
/// The owner's waker stays registered between waits and is woken by reference, so a message
/// that wakes a parked process clones and drops no waker (two atomic reference-count
/// updates per message fewer). Others waiting at the same time (tasks sharing a host
/// process's handle) are woken once each, as usual.
#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<Message>,
    /// The waker of the task that waited last (the owner, nearly always), kept.
    owner: Option<Waker>,
    /// Set while `owner` waits.
    owner_waits: bool,
    /// Tasks waiting besides `owner`.
    others: Wakers,
}

impl Inner {
    fn register(&mut self, waker: &Waker) {
        match &self.owner {
            Some(owner) if owner.will_wake(waker) => self.owner_waits = true,
            _ if !self.owner_waits => {
                self.owner = Some(waker.clone());
                self.owner_waits = true;
            }
            _ => self.others.register(waker),
        }
    }
}

impl Mailbox {
    /// Appends a message and wakes the owner if it waits.
    pub fn push(&self, message: Message) {
        self.push_counted(message, None);
    }

    /// Like [`Mailbox::push`], and adds one to `counter` under the lock (a load and a
    /// store, not a locked instruction: every writer of it holds this lock).
    pub(crate) fn push_counted(&self, message: Message, counter: Option<&AtomicU64>) {
        let mut inner = self.inner.lock().expect("mailbox lock");
        if let Some(counter) = counter {
            crate::observe::bump(counter);
        }
        // Written under the lock only: a load and a store.
        let bytes = self.bytes.load(Ordering::Relaxed) + message.queued_bytes();
        self.bytes.store(bytes, Ordering::Relaxed);
        inner.queue.push_back(message);
        self.len.store(inner.queue.len(), Ordering::Relaxed);
        if std::mem::take(&mut inner.owner_waits)
            && let Some(owner) = &inner.owner
        {
            // Under the lock, where the waker is: waking only schedules the task (an
            // executor's next-up slot or run queue, or tokio's), which takes no mailbox.
            owner.wake_by_ref();
        }
        if inner.others.is_empty() {
            return;
        }
        let others = inner.others.take();
        drop(inner);
        others.wake();
    }

    /// The number of queued messages.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// Host memory the queued messages take: their own size and their payloads'.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Is the queue empty?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Does a task wait on it? After a delivery woke its owner, not until the owner looks
    /// again: a process parked in `receive` whose mailbox nobody awaits has been woken and
    /// is about to run.
    pub fn is_awaited(&self) -> bool {
        let inner = self.inner.lock().expect("mailbox lock");
        inner.owner_waits || !inner.others.is_empty()
    }

    /// Takes the first message matching `tags` (`None` = any), if one is queued now.
    pub fn try_take(&self, tags: Option<&[i64]>) -> Option<Message> {
        self.take_from(tags, 0, None).ok()
    }

    /// Like [`Mailbox::try_take`], skipping the messages queued at `mark` (see
    /// [`Mailbox::take_after`]); without a match, says how far it looked (a mark for
    /// `take_after`).
    pub fn try_take_after(&self, tags: Option<&[i64]>, mark: usize) -> Result<Message, usize> {
        self.take_from(tags, mark, None)
    }

    /// Waits for the first message matching `tags`. Cancel-safe: a message is only removed
    /// when this returns it.
    pub fn take<'a>(&'a self, tags: Option<&'a [i64]>) -> Take<'a> {
        self.take_after(tags, 0)
    }

    /// A mark for [`Mailbox::take_after`]: the messages queued now.
    pub fn mark(&self) -> usize {
        self.inner.lock().expect("mailbox lock").queue.len()
    }

    /// Like [`Mailbox::take`], but ignores the messages that were queued at `mark` (they cannot
    /// be the awaited reply): the request/response fast path. Take the mark before sending the
    /// request, since the reply may arrive before this is first polled.
    pub fn take_after<'a>(&'a self, tags: Option<&'a [i64]>, from: usize) -> Take<'a> {
        Take {
            mailbox: self,
            tags,
            from,
        }
    }

    /// Removes the first match at or after `from`, or says how far the queue was scanned
    /// (and leaves `waker` to be woken by the next message).
    pub(crate) fn take_from(
        &self,
        tags: Option<&[i64]>,
        from: usize,
        waker: Option<&Waker>,
    ) -> Result<Message, usize> {
        let mut slot = None;
        self.take_into(tags, from, waker, &mut slot)?;
        Ok(slot.expect("take_into filled the slot"))
    }

    /// Like [`Mailbox::take_from`], but puts the message into `slot` (dropping what was
    /// there): moved once, from the queue to where it is read, rather than through results
    /// in between (a message is 88 bytes, and a receiver's stack is cold when it wakes).
    pub(crate) fn take_into(
        &self,
        tags: Option<&[i64]>,
        from: usize,
        waker: Option<&Waker>,
        slot: &mut Option<Message>,
    ) -> Result<(), usize> {
        let mut inner = self.inner.lock().expect("mailbox lock");
        let queue = &mut inner.queue;
        let found = queue
            .iter()
            .skip(from)
            .position(|m| m.matches(tags))
            .map(|i| i + from);
        let Some(i) = found else {
            let scanned = queue.len();
            if let Some(waker) = waker {
                inner.register(waker);
            }
            return Err(scanned);
        };
        *slot = queue.remove(i);
        self.len.store(queue.len(), Ordering::Relaxed);
        if let Some(message) = slot {
            let bytes = self.bytes.load(Ordering::Relaxed) - message.queued_bytes();
            self.bytes.store(bytes, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Calls `f` on each queued message, front first, without taking any (for inspection).
    pub fn peek<R>(&self, f: impl FnOnce(&VecDeque<Message>) -> R) -> R {
        f(&self.inner.lock().expect("mailbox lock").queue)
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

    #[tokio::test]
    async fn two_waiters_on_one_mailbox_both_get_a_message() {
        let mb = std::sync::Arc::new(Mailbox::default());
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let mb = mb.clone();
                tokio::spawn(async move { mb.take(None).await.tag() })
            })
            .collect();
        // Both are parked before anything arrives.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        mb.push(data(1));
        mb.push(data(2));
        let mut tags = Vec::new();
        for w in waiters {
            let tag = tokio::time::timeout(std::time::Duration::from_secs(5), w)
                .await
                .expect("each waiter is woken")
                .unwrap();
            tags.push(tag.unwrap());
        }
        tags.sort();
        assert_eq!(tags, [1, 2]);
    }

    #[tokio::test]
    async fn a_cancelled_wait_leaves_the_next_one_working() {
        let mb = Mailbox::default();
        let gone = tokio::time::timeout(std::time::Duration::from_millis(5), mb.take(None)).await;
        assert!(gone.is_err());
        let next = mb.take(Some(&[4]));
        tokio::pin!(next);
        assert!(futures_poll_once(next.as_mut()).await.is_none());
        mb.push(data(4));
        assert_eq!(next.await.tag(), Some(4));
    }

    async fn futures_poll_once<F: std::future::Future + Unpin>(f: F) -> Option<F::Output> {
        tokio::time::timeout(std::time::Duration::from_millis(10), f)
            .await
            .ok()
    }
}
