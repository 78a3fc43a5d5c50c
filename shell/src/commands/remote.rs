//! What the shell does with other nodes of its cluster: naming them, reading their
//! process tables, asking about their processes.

use grain::Pid;
use grain::cluster::{Cluster, ProcessInfo};
use grain::observe::ProcessRow;
use grain_grammar::{Arg, Spanned};

use crate::format::size;
use crate::shell::{Shell, ShellError};

/// The shell's cluster, or an error at `span` saying there is none.
pub fn cluster(sh: &Shell, span: &grain_grammar::Span) -> Result<Cluster, ShellError> {
    sh.rt.cluster().ok_or_else(|| {
        ShellError::at(
            span.clone(),
            "this node is not in a cluster (start the shell with --nats URL --cluster NAME --name NODE)",
        )
    })
}

/// The live node an argument names (by name or id).
pub fn node(sh: &Shell, arg: &Spanned<Arg>) -> Result<u64, ShellError> {
    let cluster = cluster(sh, &arg.span)?;
    let name = super::args::word(arg, "a node's name or id")?;
    cluster.node_named(&name).ok_or_else(|| {
        let up: Vec<String> = cluster
            .nodes()
            .into_iter()
            .filter(|n| n.up)
            .map(|n| n.name)
            .collect();
        ShellError::at(
            arg.span.clone(),
            format!("no node `{name}` is up (up: {})", up.join(", ")),
        )
    })
}

/// Is `pid` a process of another node?
pub fn is_remote(sh: &Shell, pid: Pid) -> bool {
    pid.node() != sh.rt.node_id()
}

/// The cells `ps` shows for a row.
pub fn cells(row: &ProcessRow) -> Vec<String> {
    vec![
        row.pid.to_string(),
        row.names.join(","),
        format!("{}.{}", row.code(), row.function),
        super::ps::status(row.status).to_owned(),
        row.fuel_used.to_string(),
        size(row.memory_bytes),
        row.mailbox_len.to_string(),
        row.host_call
            .map(|(c, _)| c.name().trim_start_matches("lunatic::").to_owned())
            .unwrap_or_default(),
    ]
}

/// What another node says of one of its processes, as `info` shows it.
pub async fn info(sh: &Shell, pid: Pid, span: &grain_grammar::Span) -> Result<String, ShellError> {
    let cluster = cluster(sh, span)?;
    let answer = cluster
        .remote_info(pid)
        .await
        .map_err(|e| ShellError::at(span.clone(), e))?;
    let node = node_label(&cluster.nodes(), pid);
    describe(pid, &node, answer).map_err(|e| ShellError::at(span.clone(), e))
}

/// "node NAME" for the node of `pid` among `nodes` ("node ID" when it is not known).
pub fn node_label(nodes: &[grain::cluster::NodeStatus], pid: Pid) -> String {
    nodes.iter().find(|n| n.id == pid.node()).map_or_else(
        || format!("node {}", pid.node()),
        |n| format!("node {}", n.name),
    )
}

/// What a node said of one of its processes (`on` names the node), as `info` shows it;
/// an error when the node knows no such process.
///
/// # Errors
/// When the answer is [`ProcessInfo::Unknown`].
pub fn describe(pid: Pid, on: &str, answer: ProcessInfo) -> Result<String, String> {
    let node = on;
    Ok(match answer {
        ProcessInfo::Unknown => return Err(format!("no process {pid} on {node}")),
        ProcessInfo::Ended(record) => format!(
            "{pid}  {}.{}  on {node}\n  ended: {}",
            record.module, record.function, record.reason
        ),
        ProcessInfo::Alive {
            row,
            links,
            monitoring,
            monitored_by,
            config,
            traps_link_deaths,
        } => {
            let pids = |v: &[Pid]| {
                if v.is_empty() {
                    "none".to_owned()
                } else {
                    v.iter().map(Pid::to_string).collect::<Vec<_>>().join(" ")
                }
            };
            let links: Vec<Pid> = links.iter().map(|(p, _)| *p).collect();
            format!(
                "{pid}  {}.{}  on {node}\n  status:      {}\n  parent:      {}\n  links:       {}\n  monitors:    {} (monitored by {})\n  fuel:        {} used, limit {}\n  memory:      {}, limit {}\n  messages:    {} queued, {} in, {} out\n  traps links: {}",
                row.code(),
                row.function,
                super::ps::status(row.status),
                row.parent
                    .map_or_else(|| "the host".to_owned(), |p| p.to_string()),
                pids(&links),
                pids(&monitoring),
                pids(&monitored_by),
                row.fuel_used,
                config
                    .fuel_limit()
                    .map_or_else(|| "unlimited".to_owned(), |f| f.to_string()),
                size(row.memory_bytes),
                config
                    .max_memory
                    .map_or_else(|| "4 GiB (wasm32)".to_owned(), size),
                row.mailbox_len,
                row.messages_in,
                row.messages_out,
                if traps_link_deaths { "yes" } else { "no" },
            )
        }
    })
}
