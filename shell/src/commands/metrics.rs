//! `metrics`: the counters, gauges and histograms guests record with `lunatic::metrics`.

use grain::metrics::Metric;
use serde_json::json;

use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "metrics",
    usage: "metrics",
    summary: "list the metrics guests recorded (lunatic::metrics); `grain run --metrics` serves them",
    examples: &["metrics"],
};

pub fn run(sh: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    args.finish()?;
    let metrics = sh.rt.metrics().snapshot();
    let rows: Vec<Vec<String>> = metrics
        .iter()
        .map(|(name, m)| match m {
            Metric::Counter { value } => vec![name.clone(), "counter".into(), value.to_string()],
            Metric::Gauge { value } => vec![name.clone(), "gauge".into(), value.to_string()],
            Metric::Histogram { count, sum, .. } => vec![
                name.clone(),
                "histogram".into(),
                format!("count {count}, sum {sum}"),
            ],
        })
        .collect();
    let json = json!(
        metrics
            .iter()
            .map(|(name, m)| json!({"name": name, "metric": m}))
            .collect::<Vec<_>>()
    );
    if rows.is_empty() {
        return Ok(Reply::with_json("no metrics recorded", json));
    }
    Ok(Reply::with_json(
        table(&["NAME", "TYPE", "VALUE"], &rows),
        json,
    ))
}
