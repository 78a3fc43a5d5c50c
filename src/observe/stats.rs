//! Per-process stats slots: atomics written by the process at yield points, host calls,
//! memory growth and exit, read by the aggregator. No observer ever touches a live `Store`.

use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64, Ordering::Relaxed};

use serde::{Deserialize, Serialize};

/// Adds one to a counter that a single writer updates (or writers under one lock).
pub(crate) fn bump(counter: &AtomicU64) {
    counter.store(counter.load(Relaxed) + 1, Relaxed);
}

/// What a process is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Instantiating.
    Starting,
    /// Running wasm, or runnable.
    Running,
    /// Parked in a blocking host call (receive, sleep...).
    Waiting,
    /// Ended.
    Exited,
}

/// The blocking host calls a process can be parked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostCall {
    /// `lunatic::message::receive`.
    Receive,
    /// `lunatic::message::send_receive_skip_search`.
    SendReceive,
    /// `lunatic::process::sleep_ms`.
    Sleep,
    /// `lunatic::process::compile_module`.
    CompileModule,
    /// A `lunatic::networking` call (accept, connect, read, write...).
    Network,
    /// `lunatic::distributed::spawn` on another node.
    RemoteSpawn,
    /// `grain::code::handoff`: the old code waits while new code takes its state.
    Handoff,
}

impl HostCall {
    const ALL: [HostCall; 7] = [
        HostCall::Receive,
        HostCall::SendReceive,
        HostCall::Sleep,
        HostCall::CompileModule,
        HostCall::Network,
        HostCall::RemoteSpawn,
        HostCall::Handoff,
    ];

    /// The host function's full name.
    pub fn name(self) -> &'static str {
        match self {
            HostCall::Receive => "lunatic::message::receive",
            HostCall::SendReceive => "lunatic::message::send_receive_skip_search",
            HostCall::Sleep => "lunatic::process::sleep_ms",
            HostCall::CompileModule => "lunatic::process::compile_module",
            HostCall::Network => "lunatic::networking",
            HostCall::RemoteSpawn => "lunatic::distributed::spawn",
            HostCall::Handoff => "grain::code::handoff",
        }
    }
}

/// The atomics of one process.
#[derive(Debug, Default)]
pub struct StatsSlot {
    status: AtomicU8,
    fuel_used: AtomicU64,
    memory_bytes: AtomicU64,
    messages_in: AtomicU64,
    messages_out: AtomicU64,
    host_call: AtomicU8,
    host_call_since_us: AtomicU64,
    slices: AtomicU64,
    restarts: AtomicU32,
    /// The aggregator's digest of the row it last sent (see `aggregator::fingerprint`).
    pub(crate) sent: AtomicU64,
}

impl StatsSlot {
    /// The current status.
    pub fn status(&self) -> Status {
        match self.status.load(Relaxed) {
            0 => Status::Starting,
            1 => Status::Running,
            2 => Status::Waiting,
            _ => Status::Exited,
        }
    }

    pub(crate) fn set_status(&self, status: Status) {
        self.status.store(status as u8, Relaxed);
    }

    /// Instructions' worth of fuel consumed so far.
    pub fn fuel_used(&self) -> u64 {
        self.fuel_used.load(Relaxed)
    }

    pub(crate) fn set_fuel_used(&self, fuel: u64) {
        self.fuel_used.store(fuel, Relaxed);
    }

    /// Linear memory size in bytes.
    pub fn memory_bytes(&self) -> u64 {
        self.memory_bytes.load(Relaxed)
    }

    pub(crate) fn set_memory_bytes(&self, bytes: u64) {
        self.memory_bytes.store(bytes, Relaxed);
    }

    /// Messages delivered to this process.
    pub fn messages_in(&self) -> u64 {
        self.messages_in.load(Relaxed)
    }

    /// The counter of [`StatsSlot::messages_in`], which the mailbox counts deliveries in
    /// under its lock (the only writer).
    pub(crate) fn messages_in_counter(&self) -> &AtomicU64 {
        &self.messages_in
    }

    /// Messages this process sent.
    pub fn messages_out(&self) -> u64 {
        self.messages_out.load(Relaxed)
    }

    pub(crate) fn count_out(&self) {
        self.messages_out.fetch_add(1, Relaxed);
    }

    /// Counts a message a wasm process sent: only its own task writes the counter, so a
    /// load and a store do (a read-modify-write is a locked instruction per message).
    pub(crate) fn count_out_own(&self) {
        bump(&self.messages_out);
    }

    /// The blocking host call the process is in, and since when (µs since runtime start).
    pub fn host_call(&self) -> Option<(HostCall, u64)> {
        let code = self.host_call.load(Relaxed);
        let call = HostCall::ALL.get(usize::from(code).checked_sub(1)?)?;
        Some((*call, self.host_call_since_us.load(Relaxed)))
    }

    /// How many times the process has yielded the scheduler (time slices and parks).
    pub fn slices(&self) -> u64 {
        self.slices.load(Relaxed)
    }

    /// Restarts: for a supervisor (or a guest acting as one), the restarts it made; for a
    /// restarted child, the restarts of its child slot before this incarnation.
    pub fn restarts(&self) -> u32 {
        self.restarts.load(Relaxed)
    }

    pub(crate) fn set_restarts(&self, n: u32) {
        self.restarts.store(n, Relaxed);
    }

    pub(crate) fn count_restart(&self) {
        self.restarts.fetch_add(1, Relaxed);
    }

    /// Counts a slice: only the process's own task writes the counter (at its epoch ticks
    /// and its parks), so a load and a store do.
    pub(crate) fn count_slice(&self) {
        bump(&self.slices);
    }

    pub(crate) fn enter(&self, call: HostCall, now_us: u64) {
        self.count_slice();
        self.host_call_since_us.store(now_us, Relaxed);
        self.host_call.store(call as u8 + 1, Relaxed);
        self.set_status(Status::Waiting);
    }

    pub(crate) fn leave(&self) {
        self.host_call.store(0, Relaxed);
        self.set_status(Status::Running);
    }
}
