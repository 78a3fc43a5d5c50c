//! The log's rate limit: at most so many lines a second of each kind; beyond them lines
//! are counted, and one summary line says how many were suppressed.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::record::{Level, Record};

/// How long a window of the rate limit lasts.
const WINDOW: Duration = Duration::from_secs(1);

/// Lines let through and suppressed per kind in the current window.
#[derive(Debug)]
pub(crate) struct RateLimit {
    per_second: u32,
    windows: HashMap<&'static str, Window>,
}

#[derive(Debug)]
struct Window {
    start: Instant,
    written: u32,
    suppressed: u64,
}

impl RateLimit {
    /// At most `per_second` lines of each kind a second (0: no limit).
    pub fn new(per_second: u32) -> Self {
        RateLimit {
            per_second,
            windows: HashMap::new(),
        }
    }

    /// Whether `record` may be written at `now`; first any summary of the window it ends.
    pub fn admit(&mut self, record: &Record, now: Instant, out: &mut Vec<Record>) -> bool {
        if self.per_second == 0 {
            return true;
        }
        let window = self.windows.entry(record.event).or_insert(Window {
            start: now,
            written: 0,
            suppressed: 0,
        });
        if now.duration_since(window.start) >= WINDOW {
            if let Some(summary) = summary(record.event, window) {
                out.push(summary);
            }
            *window = Window {
                start: now,
                written: 0,
                suppressed: 0,
            };
        }
        if window.written < self.per_second {
            window.written += 1;
            true
        } else {
            window.suppressed += 1;
            false
        }
    }

    /// The summaries of windows that ended by `now` (all of them with `now` = `None`).
    pub fn flush(&mut self, now: Option<Instant>, out: &mut Vec<Record>) {
        self.windows.retain(|event, window| {
            let ended = now.is_none_or(|now| now.duration_since(window.start) >= WINDOW);
            if !ended {
                return true;
            }
            if let Some(summary) = summary(event, window) {
                out.push(summary);
            }
            false
        });
    }
}

fn summary(event: &'static str, window: &Window) -> Option<Record> {
    (window.suppressed > 0).then(|| Record {
        level: Level::Warn,
        event: "suppressed",
        fields: vec![
            ("lines", window.suppressed.to_string()),
            ("of", event.to_owned()),
            (
                "message",
                format!(
                    "... suppressed {} similar {} lines (more than {} a second)",
                    window.suppressed, event, window.written
                ),
            ),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trap() -> Record {
        Record {
            level: Level::Error,
            event: "trap",
            fields: Vec::new(),
        }
    }

    #[test]
    fn a_storm_is_cut_and_summed_up() {
        let mut rate = RateLimit::new(3);
        let t0 = Instant::now();
        let mut out = Vec::new();
        let admitted = (0..100)
            .filter(|_| rate.admit(&trap(), t0, &mut out))
            .count();
        assert_eq!(admitted, 3);
        assert!(out.is_empty());
        // The next window: the summary first, then lines again.
        assert!(rate.admit(&trap(), t0 + WINDOW, &mut out));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].fields[0], ("lines", "97".to_owned()));
        out.clear();
        rate.flush(None, &mut out);
        assert!(out.is_empty(), "nothing suppressed in the second window");
    }
}
