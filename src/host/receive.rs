//! Waiting for a message: `receive` and the reply half of `send_receive_skip_search`.
//!
//! The wait is a future of its own rather than [`super::park`] around a mailbox future: it
//! reaches the process through the caller at each poll, so a wait costs no reference count
//! on the process, and its first look at the mailbox also leaves the waker, so a process
//! that parks looks once, not twice. Only when nothing is there does it park: status,
//! published fuel, the timer of a timeout, and memory inspections while it waits.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Caller, publish_fuel, serve_inspections};
use crate::message::Message;
use crate::observe::HostCall;

/// What `receive` returns on a timeout.
pub(crate) const TIMEOUT: u32 = 9027;

/// Waits for a message matching `tags` queued after `mark`, places it in the scratch slot
/// and returns the receive code (or the timeout code). `ms` is the timeout: 0 only looks,
/// `u64::MAX` waits for ever.
pub(crate) async fn wait(
    caller: &mut Caller<'_>,
    tags: Option<Vec<i64>>,
    mark: Option<usize>,
    ms: u64,
    call: HostCall,
) -> u32 {
    let receive = Receive {
        caller: &mut *caller,
        tags: tags.as_deref(),
        from: mark.unwrap_or(0),
        ms,
        call,
        parked: false,
        timer: None,
    };
    let Some(message) = receive.await else {
        return TIMEOUT;
    };
    caller.data().cell.trace_receive(&message);
    let code = message.kind_code();
    caller.data_mut().scratch = Some(message);
    code
}

/// The future of a receive: the process lives in it while it waits, so it is kept small
/// (the timer of a timeout, a few hundred bytes, gets a box of its own).
struct Receive<'c, 'a, 't> {
    caller: &'c mut Caller<'a>,
    tags: Option<&'t [i64]>,
    /// How far the queue has been scanned.
    from: usize,
    ms: u64,
    call: HostCall,
    /// Set once it found nothing and parked.
    parked: bool,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Future for Receive<'_, '_, '_> {
    type Output = Option<Message>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        let this = &mut *self;
        // A receive that does not wait only looks: a timer of 0 ms would park until the
        // timer wheel's next tick.
        let waker = (this.ms != 0).then(|| cx.waker());
        let cell = &this.caller.data().cell;
        match cell.mailbox.take_from(this.tags, this.from, waker) {
            Ok(message) => {
                if this.parked {
                    cell.unpark();
                }
                return Poll::Ready(Some(message));
            }
            Err(scanned) => this.from = scanned,
        }
        if this.ms == 0 {
            return Poll::Ready(None);
        }
        if !this.parked {
            this.parked = true;
            let state = this.caller.data();
            state.cell.park_in(this.call, state.rt.coarse_now_us());
            publish_fuel(this.caller);
            if this.ms != u64::MAX {
                let timer = tokio::time::sleep(Duration::from_millis(this.ms));
                this.timer = Some(Box::pin(timer));
            }
        }
        if let Some(timer) = &mut this.timer
            && timer.as_mut().poll(cx).is_ready()
        {
            this.caller.data().cell.unpark();
            return Poll::Ready(None);
        }
        serve_inspections(this.caller, cx);
        Poll::Pending
    }
}
