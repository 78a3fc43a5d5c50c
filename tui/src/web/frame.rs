//! A connection's frames: the header (the whole node's figures) and the page's window, and
//! what of them the page already has — a frame carries the header only when it changed,
//! and a row unchanged since the last frame as its bare pid.

use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;

use serde_json::{Map, Value, json};

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
            "cpu_pct": (h.cpu * 10.0).round() / 10.0,
            "mem": format!("{}/{}", fmt::bytes(h.used), fmt::bytes(h.total)),
            "mem_pct": if h.total > 0 { (h.used as f64 * 1000.0 / h.total as f64).round() / 10.0 } else { 0.0 },
        })),
        "cluster": cluster,
        "can_change": web.config.can_change,
        "trend": trend,
        "sample": sample,
    })
}

/// A page's window as it travels: its rows as JSON text each (compared and sent as they
/// are), and the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cut {
    /// Everything but the rows.
    pub meta: Map<String, Value>,
    /// The rows: pid and JSON text; `None` for a page without rows.
    pub rows: Option<Vec<(String, String)>>,
    /// Rows drawn for another row's sake (a remote link in the tree): never elided.
    pub links: usize,
}

impl Cut {
    /// Splits a window's `rows` off, each as JSON text.
    pub(crate) fn of(window: Value) -> Cut {
        let Value::Object(mut meta) = window else {
            return Cut::default();
        };
        let mut links = 0;
        let rows = match meta.remove("rows") {
            Some(Value::Array(rows)) => Some(
                rows.into_iter()
                    .map(|r| {
                        links += usize::from(r.get("link").is_some());
                        let pid = r["pid"].as_str().unwrap_or_default().to_owned();
                        let pid = if r.get("link").is_some() {
                            String::new()
                        } else {
                            pid
                        };
                        (pid, r.to_string())
                    })
                    .collect(),
            ),
            _ => None,
        };
        Cut { meta, rows, links }
    }
}

/// What a page was last sent.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    /// The last header and the rest of the last window, as text.
    header: Option<String>,
    meta: String,
    page: String,
    /// The last rows, by pid, as text.
    rows: HashMap<String, String>,
    /// Their pids, in order.
    order: Vec<String>,
    /// Did the last frame have rows?
    had_rows: bool,
}

impl Sent {
    /// Has nothing been sent yet?
    pub(crate) fn is_fresh(&self) -> bool {
        self.header.is_none()
    }

    /// The frame to send, or `None` when the page has all of it already: the header left
    /// out when it did not change, each row that did not change as its pid, and the rows
    /// as `"same"` when none changed, nor their order.
    pub(crate) fn frame(&mut self, page: &str, header: &Value, cut: &Cut) -> Option<String> {
        let header = header.to_string();
        let meta = Value::Object(cut.meta.clone()).to_string();
        let new_header = self.header.as_deref() != Some(header.as_str());
        let mut changed = new_header || meta != self.meta || page != self.page;
        let mut rows_json = String::new();
        let mut rows = HashMap::new();
        let mut order = Vec::new();
        if let Some(list) = &cut.rows {
            let mut same = cut.links == 0;
            rows_json.push('[');
            for (i, (pid, text)) in list.iter().enumerate() {
                if i > 0 {
                    rows_json.push(',');
                }
                let unchanged = !pid.is_empty() && self.rows.get(pid) == Some(text);
                same &= unchanged;
                if unchanged {
                    rows_json.push_str(&Value::String(pid.clone()).to_string());
                } else {
                    rows_json.push_str(text);
                }
                if !pid.is_empty() {
                    rows.insert(pid.clone(), text.clone());
                    order.push(pid.clone());
                }
            }
            rows_json.push(']');
            if same && self.had_rows && order == self.order {
                rows_json = "\"same\"".into();
            } else {
                changed = true;
            }
        }
        if !changed {
            return None;
        }
        let mut out = format!("{{\"t\":\"frame\",\"page\":{}", Value::from(page));
        if new_header {
            out.push_str(",\"header\":");
            out.push_str(&header);
        }
        out.push_str(",\"window\":");
        if cut.rows.is_some() {
            out.push_str(meta.strip_suffix('}').unwrap_or("{"));
            if !cut.meta.is_empty() {
                out.push(',');
            }
            out.push_str("\"rows\":");
            out.push_str(&rows_json);
            out.push('}');
        } else {
            out.push_str(&meta);
        }
        out.push('}');
        self.header = Some(header);
        self.meta = meta;
        page.clone_into(&mut self.page);
        self.rows = rows;
        self.order = order;
        self.had_rows = cut.rows.is_some();
        Some(out)
    }
}
