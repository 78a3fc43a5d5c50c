//! The monitor's look at the processes, its count of restarts, and what each process
//! carries so an alert fires once per crossing.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use super::Alert;
use crate::observe::{Event, EventKind, HostCall};
use crate::process::ProcessCell;
use crate::runtime::RuntimeInner;
use crate::{Pid, Runtime};

const MAILBOX: u8 = 1;
const MEMORY: u8 = 2;

/// What a process carries for the monitor: which alerts fired and are not re-armed yet.
#[derive(Debug, Default)]
pub(crate) struct AlertState {
    fired: AtomicU8,
    /// When the host call an alert fired for began (µs), so it fires once per call.
    call_since: AtomicU64,
}

/// The node's monitor state: recent restarts by supervisor, and the latest alerts.
#[derive(Debug, Default)]
pub(crate) struct MonitorState {
    restarts: Mutex<HashMap<Pid, Restarts>>,
    /// The latest alerts (at most [`KEPT`]), each with its number (from 1).
    recent: Mutex<VecDeque<(u64, Event)>>,
    count: AtomicU64,
}

/// How many recent alerts the node keeps for [`Runtime::alerts_after`].
const KEPT: usize = 100;

impl MonitorState {
    /// Keeps an alert's event.
    pub(crate) fn remember(&self, event: &Event) {
        let n = self.count.fetch_add(1, Relaxed) + 1;
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back((n, event.clone()));
    }
}

impl Runtime {
    /// The alerts numbered after `seen` (the latest [`KEPT`] are kept), oldest first, and
    /// the number of the last: pass it next time to get only newer ones.
    pub fn alerts_after(&self, seen: u64) -> (Vec<Event>, u64) {
        let m = &self.inner.monitor;
        let recent = m.recent.lock().unwrap_or_else(|e| e.into_inner());
        let last = recent.back().map_or(seen, |(n, _)| *n).max(seen);
        let events = recent
            .iter()
            .filter(|(n, _)| *n > seen)
            .map(|(_, e)| e.clone())
            .collect();
        (events, last)
    }
}

#[derive(Debug, Default)]
struct Restarts {
    /// When the recent restarts happened (µs), oldest first.
    at: VecDeque<u64>,
    /// When a storm alert last fired: one per window.
    alerted_us: Option<u64>,
}

impl RuntimeInner {
    /// A supervisor restarted a child at `at_us`: a storm alert when the window holds
    /// enough restarts.
    pub(crate) fn monitor_restart(&self, supervisor: Pid, at_us: u64) {
        let Some((n, window)) = self.config.alerts.restarts else {
            return;
        };
        let window_us = window.as_micros() as u64;
        let storm = {
            let mut all = self
                .monitor
                .restarts
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            all.retain(|pid, r| {
                r.at.back()
                    .is_some_and(|last| at_us.saturating_sub(*last) < window_us)
                    || pid == &supervisor
            });
            let r = all.entry(supervisor).or_default();
            r.at.push_back(at_us);
            while r
                .at
                .front()
                .is_some_and(|t| at_us.saturating_sub(*t) >= window_us)
            {
                r.at.pop_front();
            }
            let quiet = r
                .alerted_us
                .is_none_or(|t| at_us.saturating_sub(t) >= window_us);
            let storm = r.at.len() >= n as usize && quiet;
            if storm {
                r.alerted_us = Some(at_us);
            }
            storm.then_some(r.at.len() as u32)
        };
        if let Some(restarts) = storm {
            let alert = Alert::RestartStorm {
                restarts,
                within_ms: window.as_millis() as u64,
            };
            self.emit(supervisor, EventKind::Alert { alert });
        }
    }

    /// One look at every process.
    fn monitor_pass(&self) {
        let a = &self.config.alerts;
        let now = self.coarse_now_us();
        let mut alerts = Vec::new();
        for entry in self.processes.iter() {
            let cell = entry.value();
            if let Some(threshold) = a.mailbox {
                let len = cell.mailbox.len() as u64;
                if crossing(cell, MAILBOX, len, threshold, threshold / 2) {
                    alerts.push((cell.pid, Alert::Mailbox { len, threshold }));
                }
            }
            if let Some(threshold) = a.memory {
                let bytes = cell.memory_total();
                if crossing(cell, MEMORY, bytes, threshold, threshold / 2) {
                    alerts.push((cell.pid, Alert::Memory { bytes, threshold }));
                }
            }
            if let Some(limit) = a.host_call
                && let Some(alert) = blocked(cell, now, limit.as_micros() as u64)
            {
                alerts.push((cell.pid, alert));
            }
        }
        for (pid, alert) in alerts {
            self.emit(pid, EventKind::Alert { alert });
        }
    }
}

/// Fires (once) when `value` goes above `threshold`; re-arms when it is back at `rearm`.
fn crossing(cell: &ProcessCell, bit: u8, value: u64, threshold: u64, rearm: u64) -> bool {
    let state = &cell.alert_state;
    let fired = state.fired.load(Relaxed) & bit != 0;
    if value > threshold && !fired {
        state.fired.fetch_or(bit, Relaxed);
        return true;
    }
    if fired && value <= rearm {
        state.fired.fetch_and(!bit, Relaxed);
    }
    false
}

/// A host call (not a wait for messages nor a sleep) longer than `limit_us`, once a call.
fn blocked(cell: &ProcessCell, now_us: u64, limit_us: u64) -> Option<Alert> {
    let (call, since) = cell.stats.host_call()?;
    if matches!(
        call,
        HostCall::Receive | HostCall::SendReceive | HostCall::Sleep
    ) {
        return None;
    }
    let waited = now_us.saturating_sub(since);
    if waited <= limit_us || cell.alert_state.call_since.swap(since, Relaxed) == since {
        return None;
    }
    Some(Alert::HostCall {
        call: call.name().to_owned(),
        ms: waited / 1_000,
        threshold_ms: limit_us / 1_000,
    })
}

/// The monitor's budget: a pass may take at most 1/BUDGET of the time, so on a very large
/// node the processes are looked at less often than every `interval` (a pass over a million
/// processes takes some 100 ms on a 2-core machine: then every 5 s). A pass every 500 ms
/// whatever the size cost a node spawning its millionth process a tenth of a core.
const BUDGET: u32 = 50;

/// Starts the monitor's task (when any alert is on); it ends with the runtime.
pub(crate) fn start_monitor(rt: &Arc<RuntimeInner>) {
    let a = &rt.config.alerts;
    if a.mailbox.is_none() && a.memory.is_none() && a.host_call.is_none() {
        return;
    }
    let weak = Arc::downgrade(rt);
    let interval = a.interval.max(std::time::Duration::from_millis(10));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut budget = crate::observe::budget::Budget::new(BUDGET);
        loop {
            let now = tick.tick().await;
            let Some(rt) = weak.upgrade() else {
                return;
            };
            if rt.stop.load(Relaxed) {
                return;
            }
            budget.run(now, || rt.monitor_pass());
        }
    });
}
