//! Metrics: those guests record with `lunatic::metrics` (counters, gauges, histograms), one
//! set per runtime, named by the guest, and the runtime's own (`grain_*`: processes,
//! messages, fuel, memory, restarts, traps, limit hits). The shell shows the guests';
//! [`Metrics::prometheus`] renders them in Prometheus's text format for the endpoint
//! `--metrics ADDR` serves, after the runtime's.

mod http;
mod runtime;

pub(crate) use runtime::RuntimeCounters;

use std::fmt::Write as _;
use std::sync::Mutex;

use dashmap::DashMap;
use serde::Serialize;

/// Upper bounds of histogram buckets (Prometheus's defaults); `+Inf` is implied.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The value of one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Metric {
    /// A count that only grows.
    Counter {
        /// The count.
        value: u64,
    },
    /// A value that goes up and down.
    Gauge {
        /// The value.
        value: f64,
    },
    /// A distribution of observations.
    Histogram {
        /// How many observations.
        count: u64,
        /// Their sum.
        sum: f64,
        /// Observations at or below each bound of [`BUCKETS`] (cumulative).
        buckets: Vec<u64>,
    },
}

/// A runtime's metrics, by name.
#[derive(Debug, Default)]
pub struct Metrics {
    items: DashMap<String, Mutex<Metric>>,
}

impl Metrics {
    fn update(&self, name: &str, new: impl FnOnce() -> Metric, change: impl FnOnce(&mut Metric)) {
        if let Some(item) = self.items.get(name) {
            change(&mut item.lock().expect("metric lock"));
            return;
        }
        let item = self
            .items
            .entry(name.to_owned())
            .or_insert_with(|| Mutex::new(new()));
        change(&mut item.lock().expect("metric lock"));
    }

    /// Adds `by` to a counter (a metric of another type by that name becomes a counter).
    pub fn count(&self, name: &str, by: u64) {
        self.update(
            name,
            || Metric::Counter { value: 0 },
            |m| match m {
                Metric::Counter { value } => *value = value.saturating_add(by),
                other => *other = Metric::Counter { value: by },
            },
        );
    }

    /// Sets a gauge.
    pub fn set_gauge(&self, name: &str, to: f64) {
        self.update(
            name,
            || Metric::Gauge { value: 0.0 },
            |m| *m = Metric::Gauge { value: to },
        );
    }

    /// Adds `by` (which may be negative) to a gauge.
    pub fn add_gauge(&self, name: &str, by: f64) {
        self.update(
            name,
            || Metric::Gauge { value: 0.0 },
            |m| match m {
                Metric::Gauge { value } => *value += by,
                other => *other = Metric::Gauge { value: by },
            },
        );
    }

    /// Records one observation in a histogram.
    pub fn observe(&self, name: &str, value: f64) {
        let empty = || Metric::Histogram {
            count: 0,
            sum: 0.0,
            buckets: vec![0; BUCKETS.len()],
        };
        self.update(name, empty, |m| {
            if !matches!(m, Metric::Histogram { .. }) {
                *m = empty();
            }
            if let Metric::Histogram {
                count,
                sum,
                buckets,
            } = m
            {
                *count += 1;
                *sum += value;
                for (bound, n) in BUCKETS.iter().zip(buckets.iter_mut()) {
                    if value <= *bound {
                        *n += 1;
                    }
                }
            }
        });
    }

    /// Every metric, sorted by name.
    pub fn snapshot(&self) -> Vec<(String, Metric)> {
        let mut all: Vec<_> = self
            .items
            .iter()
            .map(|e| {
                (
                    e.key().clone(),
                    e.value().lock().expect("metric lock").clone(),
                )
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// The metrics in Prometheus's text exposition format (version 0.0.4).
    pub fn prometheus(&self) -> String {
        let mut out = String::new();
        for (name, metric) in self.snapshot() {
            let name = prometheus_name(&name);
            match metric {
                Metric::Counter { value } => {
                    let _ = writeln!(out, "# TYPE {name} counter\n{name} {value}");
                }
                Metric::Gauge { value } => {
                    let _ = writeln!(out, "# TYPE {name} gauge\n{name} {value}");
                }
                Metric::Histogram {
                    count,
                    sum,
                    buckets,
                } => {
                    let _ = writeln!(out, "# TYPE {name} histogram");
                    for (bound, n) in BUCKETS.iter().zip(&buckets) {
                        let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {n}");
                    }
                    let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
                    let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
                }
            }
        }
        out
    }
}

/// A metric name as Prometheus accepts it: `[a-zA-Z_:][a-zA-Z0-9_:]*`, other characters
/// (dots, dashes, spaces) become underscores.
pub fn prometheus_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_gauges_set_and_move_histograms_bucket() {
        let m = Metrics::default();
        m.count("requests", 2);
        m.count("requests", 3);
        m.set_gauge("load", 1.5);
        m.add_gauge("load", -0.5);
        m.observe("latency", 0.02);
        m.observe("latency", 3.0);
        let text = m.prometheus();
        assert!(
            text.contains("# TYPE requests counter\nrequests 5\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE load gauge\nload 1\n"), "{text}");
        assert!(text.contains("latency_bucket{le=\"0.01\"} 0\n"), "{text}");
        assert!(text.contains("latency_bucket{le=\"0.025\"} 1\n"), "{text}");
        assert!(text.contains("latency_bucket{le=\"5\"} 2\n"), "{text}");
        assert!(
            text.contains("latency_bucket{le=\"+Inf\"} 2\nlatency_sum 3.02\nlatency_count 2\n"),
            "{text}"
        );
    }

    #[test]
    fn names_are_made_valid_for_prometheus() {
        assert_eq!(
            prometheus_name("http.requests-total"),
            "http_requests_total"
        );
        assert_eq!(prometheus_name("9lives"), "_9lives");
        assert_eq!(prometheus_name(""), "_");
    }
}
