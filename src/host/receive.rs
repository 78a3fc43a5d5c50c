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

use super::{Caller, fresh_slice, publish_fuel, serve_inspections};
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
    Receive {
        caller,
        tags: tags.as_deref(),
        from: mark.unwrap_or(0),
        ms,
        call,
        parked: false,
        timer: None,
    }
    .await
}

/// The future of a receive: the process lives in it while it waits, so it is kept small
/// (the timer of a timeout, a few hundred bytes, gets a box of its own). It puts the
/// message straight into the scratch slot and returns its code: a message moved through
/// the futures' results instead was written three times more, into memory of a process
/// that has not run for a while (the ring of a thousand processes went 4% slower).
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
    /// The receive code, or [`TIMEOUT`].
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let this = &mut *self;
        // A receive that does not wait only looks: a timer of 0 ms would park until the
        // timer wheel's next tick.
        let waker = (this.ms != 0).then(|| cx.waker());
        let state = this.caller.data_mut();
        let slot = &mut state.scratch;
        match state
            .cell
            .mailbox
            .take_into(this.tags, this.from, waker, slot)
        {
            Ok(()) => {
                if this.parked {
                    state.cell.unpark();
                }
                let message = slot.as_ref().expect("take_into filled the slot");
                state.cell.trace_receive(message);
                let code = message.kind_code();
                if this.parked {
                    fresh_slice(this.caller);
                }
                return Poll::Ready(code);
            }
            Err(scanned) => this.from = scanned,
        }
        if this.ms == 0 {
            return Poll::Ready(TIMEOUT);
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
            fresh_slice(this.caller);
            return Poll::Ready(TIMEOUT);
        }
        serve_inspections(this.caller, cx);
        Poll::Pending
    }
}
