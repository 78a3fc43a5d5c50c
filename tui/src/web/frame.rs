//! A connection's frames: the header (the whole node's figures) and the page's window, and
//! what of them the page already has — a frame carries the header only when it changed,
//! and a row unchanged since the last frame as its bare pid.

use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

use serde_json::{Value, json};

use super::Shared;
use super::hub::Hub;
use crate::model::BEHIND_MS;
use crate::table::Table;
use crate::view::fmt;

/// The header: what is watched, how fresh, the node's totals, the host, and the newest
/// second of the trend (the whole two minutes in a page's first frame: the page keeps them).
pub(crate) fn header(web: &Shared, hub: &Hub, t: &Table, paused: bool, whole: bool) -> Value {
    let quiet = hub.quiet().as_millis() as u64;
    let mode = if hub.ended.load(Relaxed) {
        "ended"
    } else if paused {
        "paused"
    } else if quiet > BEHIND_MS {
        "behind"
    } else {
        "live"
    };
    let host = *hub.host.lock().unwrap_or_else(|e| e.into_inner());
    let ring = hub.trend.lock().unwrap_or_else(|e| e.into_inner());
    let cluster = t.nodes.as_ref().map(|n| {
        let (up, down) = n.counts();
        json!({"name": n.cluster, "up": up, "down": down})
    });
    let cpu = |s: &super::hub::Sample| (s.cpu * 10.0).round() / 10.0;
    let trend = whole.then(|| {
        json!({
            "n": ring.back().map_or(0, |s| s.n),
            "fuel": ring.iter().map(|s| s.fuel_per_s).collect::<Vec<_>>(),
            "mem": ring.iter().map(|s| s.memory).collect::<Vec<_>>(),
            "cpu": ring.iter().map(cpu).collect::<Vec<_>>(),
        })
    });
    let sample = ring
        .back()
        .map(|s| json!({"n": s.n, "fuel": s.fuel_per_s, "mem": s.memory, "cpu": cpu(s)}));
    json!({
        "title": web.config.title,
        "mode": mode,
        "quiet": (mode == "behind").then(|| fmt::secs(quiet * 1_000)),
        "up": fmt::secs(t.at_us),
        "at_us": t.at_us,
        "alive": t.totals.alive,
        "spawned": t.totals.spawned,
        "exited": t.totals.exited,
        "dropped": t.totals.dropped_events,
        "fuel_s": fmt::count(t.fuel_per_s()),
        "rss": (t.totals.rss_bytes > 0).then(|| fmt::bytes(t.totals.rss_bytes)),
        "proc_mem": fmt::bytes(t.memory()),
        "host": host.map(|h| json!({
            "cpu": format!("{:.0}%", h.cpu),
            "cpu_pct": h.cpu,
            "mem": format!("{}/{}", fmt::bytes(h.used), fmt::bytes(h.total)),
            "mem_pct": if h.total > 0 { h.used as f64 * 100.0 / h.total as f64 } else { 0.0 },
        })),
        "cluster": cluster,
        "can_change": web.config.can_change,
        "trend": trend,
        "sample": sample,
    })
}

/// What a page was last sent.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    /// The last frame, whole.
    last: Option<Value>,
    /// Its rows, by pid.
    rows: HashMap<String, Value>,
    /// Its rows' pids, in order.
    order: Vec<String>,
}

impl Sent {
    /// Has nothing been sent yet?
    pub(crate) fn is_fresh(&self) -> bool {
        self.last.is_none()
    }

    /// The frame to send for `full`, or `None` when the page has it already: the header
    /// left out when it did not change, each row that did not change as its pid, and the
    /// rows as `"same"` when none changed, nor their order.
    pub(crate) fn elide(&mut self, full: Value) -> Option<Value> {
        if self.last.as_ref() == Some(&full) {
            return None;
        }
        let mut out = full.clone();
        if let (Some(last), Some(obj)) = (&self.last, out.as_object_mut())
            && last.get("header") == obj.get("header")
        {
            obj.remove("header");
        }
        let mut rows = HashMap::new();
        let mut order = Vec::new();
        let list = out
            .get_mut("window")
            .and_then(|w| w.get_mut("rows"))
            .and_then(Value::as_array_mut);
        if let Some(list) = list {
            let mut same = true;
            for row in list.iter_mut() {
                let Some(pid) = row.get("pid").and_then(Value::as_str).map(str::to_owned) else {
                    continue;
                };
                if row.get("link").is_some() {
                    same = false;
                    continue;
                }
                let unchanged = self.rows.get(&pid) == Some(row);
                same &= unchanged;
                let whole = std::mem::replace(row, Value::String(pid.clone()));
                if !unchanged {
                    *row = whole.clone();
                }
                rows.insert(pid.clone(), whole);
                order.push(pid);
            }
            if same && order == self.order {
                out["window"]["rows"] = "same".into();
            }
        }
        self.order = order;
        self.rows = rows;
        self.last = Some(full);
        Some(out)
    }
}
