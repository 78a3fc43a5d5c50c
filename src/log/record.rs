//! One log line: what an event says, as named fields, rendered as text or JSON.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::observe::{Event, EventKind};
use crate::{ExitReason, Pid};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// `2026-12-02T18:40:00.123Z ERROR trap pid=<0.3> kind="unreachable" ...`
    #[default]
    Text,
    /// One JSON object a line: `{"ts":"...","level":"error","event":"trap",...}`.
    Json,
}

/// The level of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// A line before it is rendered.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub level: Level,
    /// What kind of line: `trap`, `exit`, `restart`, `gave_up`, `limit`, `node_up`,
    /// `node_down`, `dropped`, `suppressed`: also the key of the rate limit.
    pub event: &'static str,
    pub fields: Vec<(&'static str, String)>,
}

/// The fields JSON writes as numbers.
const NUMBERS: &[&str] = &[
    "restarts",
    "lines",
    "events",
    "total",
    "threshold",
    "observed",
];

/// The names of processes alive (from their `Spawned` events): `module/function`.
#[derive(Debug, Default)]
pub(crate) struct Names(HashMap<Pid, String>);

impl Names {
    /// Notes the name of a spawned process, and forgets an exited one after `f` used it.
    pub fn name(&mut self, event: &Event) -> Option<String> {
        match &event.kind {
            EventKind::Spawned {
                module, function, ..
            } => {
                self.0.insert(event.pid, format!("{module}/{function}"));
                None
            }
            EventKind::Exited { .. } => self.0.remove(&event.pid),
            _ => self.0.get(&event.pid).cloned(),
        }
    }
}

/// The line an event makes, if it is one the log keeps (failures, restarts, give-ups,
/// limits, nodes coming and going).
pub(crate) fn record(event: &Event, name: Option<String>) -> Option<Record> {
    let mut fields = vec![("pid", event.pid.to_string())];
    if let Some(name) = name {
        fields.push(("process", name));
    }
    let (level, kind) = match &event.kind {
        EventKind::Exited {
            reason: ExitReason::Trap(trap),
        } => {
            fields.push(("kind", trap.kind.to_string()));
            fields.push(("message", trap.message.clone()));
            let lines = crate::backtrace::lines(&trap.backtrace, trap.backtrace_cut);
            if !lines.is_empty() {
                let lines: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
                fields.push(("backtrace", lines.join("; ")));
            }
            (Level::Error, "trap")
        }
        EventKind::Exited { reason } if reason.is_failure() => {
            fields.push(("reason", reason.to_string()));
            (Level::Warn, "exit")
        }
        EventKind::Restarted {
            child,
            old,
            new,
            reason,
            restarts,
            window,
            max_restarts,
        } => {
            fields.push(("child", child.clone()));
            if let Some(old) = old {
                fields.push(("old", old.to_string()));
            }
            fields.push(("new", new.to_string()));
            fields.push(("reason", reason.clone()));
            fields.push(("restarts", restarts.to_string()));
            if *max_restarts > 0 {
                fields.push(("window", format!("{window}/{max_restarts}")));
            }
            (Level::Warn, "restart")
        }
        EventKind::GaveUp { reason } => {
            fields.push(("reason", reason.clone()));
            (Level::Error, "gave_up")
        }
        EventKind::LimitHit { limit, value } => {
            fields.push(("limit", limit.to_string()));
            fields.push(("value", limit.amount(*value)));
            (Level::Warn, "limit")
        }
        EventKind::Alert { alert } => {
            fields.push(("alert", alert.name().to_owned()));
            let (observed, threshold) = alert.observed();
            fields.push(("observed", observed));
            fields.push(("threshold", threshold));
            if let crate::monitor::Alert::HostCall { call, .. } = alert {
                fields.push(("call", call.clone()));
            }
            (Level::Warn, "alert")
        }
        EventKind::NodeUp { node, name } => {
            fields.push(("node", format!("{node} ({name})")));
            (Level::Info, "node_up")
        }
        EventKind::NodeDown { node, name, reason } => {
            fields.push(("node", format!("{node} ({name})")));
            fields.push(("reason", reason.clone()));
            (Level::Error, "node_down")
        }
        _ => return None,
    };
    Some(Record {
        level,
        event: kind,
        fields,
    })
}

impl Record {
    /// Renders the line (without its newline), stamped with `ts` (RFC 3339, UTC).
    pub fn render(&self, ts: &str, format: LogFormat) -> String {
        match format {
            LogFormat::Text => {
                let mut out = format!(
                    "{ts} {:<5} {}",
                    self.level.as_str().to_uppercase(),
                    self.event
                );
                for (key, value) in &self.fields {
                    if value.is_empty() || value.contains([' ', '"', '=', '\\']) {
                        let _ = write!(out, " {key}={value:?}");
                    } else {
                        let _ = write!(out, " {key}={value}");
                    }
                }
                out
            }
            LogFormat::Json => {
                let mut map = serde_json::Map::new();
                map.insert("ts".into(), ts.into());
                map.insert("level".into(), self.level.as_str().into());
                map.insert("event".into(), self.event.into());
                for (key, value) in &self.fields {
                    let number = NUMBERS.contains(key).then(|| value.parse::<u64>().ok());
                    match number.flatten() {
                        Some(n) => map.insert((*key).into(), n.into()),
                        None => map.insert((*key).into(), value.clone().into()),
                    };
                }
                serde_json::Value::Object(map).to_string()
            }
        }
    }
}

/// `SystemTime` as RFC 3339 in UTC with milliseconds: `2026-12-02T18:40:00.123Z`.
pub(crate) fn timestamp(at: std::time::SystemTime) -> String {
    let since = at.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_764_700_800_123);
        assert_eq!(timestamp(at), "2025-12-02T18:40:00.123Z");
    }

    #[test]
    fn text_quotes_what_has_spaces() {
        let r = Record {
            level: Level::Warn,
            event: "restart",
            fields: vec![("child", "worker".into()), ("reason", "trap: x".into())],
        };
        assert_eq!(
            r.render("T", LogFormat::Text),
            "T WARN  restart child=worker reason=\"trap: x\""
        );
        let json: serde_json::Value =
            serde_json::from_str(&r.render("T", LogFormat::Json)).unwrap();
        assert_eq!(json["reason"], "trap: x");
        assert_eq!(json["level"], "warn");
    }
}
