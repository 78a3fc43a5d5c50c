//! `nodes`: the cluster's nodes as this one sees them.

use serde_json::json;

use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "nodes",
    usage: "nodes",
    summary: "the cluster's nodes: id, name, tags, state, up since, processes, round trip",
    examples: &[],
};

/// How long ago `ms` (ms since the Unix epoch) was, shortly.
fn ago(ms: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let s = now.saturating_sub(ms) / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h", s / 3600),
    }
}

pub fn run(sh: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    args.finish()?;
    let Some(cluster) = sh.rt.cluster() else {
        return Ok(Reply::with_json(
            "this node is not in a cluster (node 0); start it with --nats URL --cluster NAME --name NODE",
            json!([]),
        ));
    };
    let nodes = cluster.nodes();
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| {
            let tags: Vec<String> = n.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let state = match (&n.down_reason, n.up, n.this) {
                (_, true, true) => "up (this node)".to_owned(),
                (_, true, false) => "up".to_owned(),
                (Some(why), false, _) => format!("down: {why}"),
                (None, false, _) => "down".to_owned(),
            };
            vec![
                n.id.to_string(),
                n.name.clone(),
                tags.join(","),
                state,
                if n.up {
                    ago(n.up_since_ms)
                } else {
                    String::new()
                },
                n.processes.to_string(),
                n.rtt_us
                    .map_or_else(String::new, |us| format!("{:.2} ms", us as f64 / 1000.0)),
            ]
        })
        .collect();
    let header = ["ID", "NAME", "TAGS", "STATE", "UP", "PROCESSES", "RTT"];
    Ok(Reply::with_json(table(&header, &rows), json!(nodes)))
}
