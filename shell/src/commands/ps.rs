//! `ps [--sort=fuel|mem|mailbox|pid] [--filter=TEXT]`: the process table.

use grain::observe::Status;
use serde_json::json;

use super::args::word;
use super::{Args, Help, Reply};
use crate::format::{size, table};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "ps",
    usage: "ps [--sort=fuel|mem|mailbox|pid] [--filter=TEXT] [--node=NODE|all]",
    summary: "list live processes (--node: another node's, or every node's): status, fuel used, memory, mailbox, host call",
    examples: &["ps", "ps --sort=mailbox", "ps --filter=counter"],
};

pub fn status(s: Status) -> &'static str {
    match s {
        Status::Starting => "starting",
        Status::Running => "running",
        Status::Waiting => "waiting",
        Status::Exited => "exited",
    }
}

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let sort = args
        .flag_value("sort")
        .map(|a| Ok::<_, ShellError>((word(a, "a column")?, a.span.clone())))
        .transpose()?;
    let filter = args
        .flag_value("filter")
        .map(|a| word(a, "a text"))
        .transpose()?;
    let node = args.flag_value("node");
    args.finish()?;
    if let Some(node) = node {
        return remote(sh, node, filter.as_deref()).await;
    }
    let mut procs = sh.rt.processes();
    if let Some((by, span)) = sort {
        match by.as_str() {
            "fuel" => procs.sort_by_key(|p| std::cmp::Reverse(p.stats().fuel_used())),
            "mem" | "memory" => procs.sort_by_key(|p| std::cmp::Reverse(p.stats().memory_bytes())),
            "mailbox" => procs.sort_by_key(|p| std::cmp::Reverse(p.mailbox_len())),
            "pid" => {}
            other => {
                return Err(ShellError::at(
                    span,
                    format!("cannot sort by `{other}`, expected fuel, mem, mailbox or pid"),
                ));
            }
        }
    }
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    for p in procs {
        let names: Vec<String> = sh
            .rt
            .registry()
            .names_of(p.pid())
            .iter()
            .map(|n| grain::registry::display_name(n).to_owned())
            .collect();
        let call = p
            .stats()
            .host_call()
            .map(|(c, _)| c.name().trim_start_matches("lunatic::").to_owned())
            .unwrap_or_default();
        let row = vec![
            p.pid().to_string(),
            names.join(","),
            format!("{}.{}", p.module_name(), p.function()),
            status(p.stats().status()).to_owned(),
            p.stats().fuel_used().to_string(),
            size(p.stats().memory_bytes()),
            p.mailbox_len().to_string(),
            call,
        ];
        if filter
            .as_ref()
            .is_some_and(|f| !row.iter().any(|c| c.contains(f.as_str())))
        {
            continue;
        }
        json_rows.push(json!({"pid": p.pid().id(), "names": names, "module": p.module_name(), "function": p.function(),
            "status": row[3], "fuel": p.stats().fuel_used(), "memory": p.stats().memory_bytes(), "mailbox": p.mailbox_len()}));
        rows.push(row);
    }
    Ok(Reply::with_json(table(&HEADER, &rows), json!(json_rows)))
}

const HEADER: [&str; 8] = [
    "PID", "NAME", "RUNS", "STATUS", "FUEL", "MEMORY", "MAILBOX", "IN",
];

/// The most rows `ps --node` asks each node for.
const REMOTE_ROWS: usize = 1_000;

/// `ps --node=NODE` (one node's table) or `ps --node=all` (every live node's, this one's
/// included), asked of the nodes themselves.
async fn remote(
    sh: &Shell,
    node: &grain_grammar::Spanned<grain_grammar::Arg>,
    filter: Option<&str>,
) -> Result<Reply, ShellError> {
    let cluster = super::remote::cluster(sh, &node.span)?;
    let nodes = if word(node, "a node")? == "all" {
        cluster.live_nodes()
    } else {
        vec![super::remote::node(sh, node)?]
    };
    let (mut rows, mut all, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for id in nodes {
        let table = cluster
            .remote_table(id, REMOTE_ROWS)
            .await
            .map_err(|e| ShellError::at(node.span.clone(), e))?;
        if table.truncated {
            notes.push(format!(
                "(node {id}: the first {} of {} processes)",
                table.rows.len(),
                table.totals.alive
            ));
        }
        for row in table.rows {
            let cells = super::remote::cells(&row);
            if filter.is_some_and(|f| !cells.iter().any(|c| c.contains(f))) {
                continue;
            }
            rows.push(cells);
            all.push(row);
        }
    }
    let mut text = table(&HEADER, &rows);
    for note in notes {
        text.push('\n');
        text.push_str(&note);
    }
    Ok(Reply::with_json(text, json!(all)))
}
