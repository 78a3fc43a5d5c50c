//! `ps [--sort=fuel|mem|mailbox|pid] [--filter=TEXT]`: the process table.

use grain::observe::Status;
use serde_json::json;

use super::args::{int, word};
use super::{Args, Help, Reply};
use crate::format::{size, table};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "ps",
    usage: "ps [--sort=fuel|mem|mailbox|pid] [--filter=TEXT] [--limit=N] [--node=NODE|all]",
    summary: "live processes (100 unless --limit; --node: another node's or all): status, fuel, memory, mailbox, host call",
    examples: &["ps", "ps --sort=mailbox --limit=5", "ps --filter=counter"],
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
    let limit = args
        .flag_value("limit")
        .map(|a| int(a, "a number of rows"))
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
            "mem" | "memory" => procs.sort_by_key(|p| std::cmp::Reverse(p.memory_total())),
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
    // Text shows the first rows unless told; JSON has them all unless told (a script
    // never gets a silently cut table).
    let (text_limit, json_limit) = match limit {
        Some(n) => (n, n),
        None => (TEXT_ROWS, u64::MAX),
    };
    let mut matched = 0u64;
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
            .filter(|_| p.module().is_some())
            .map(|(c, _)| c.name().trim_start_matches("lunatic::").to_owned())
            .unwrap_or_default();
        let row = vec![
            p.pid().to_string(),
            names.join(","),
            format!("{}.{}", p.code(), p.function()),
            status(p.stats().status()).to_owned(),
            p.stats().fuel_used().to_string(),
            size(p.memory_total()),
            p.mailbox_len().to_string(),
            call,
        ];
        if filter
            .as_ref()
            .is_some_and(|f| !row.iter().any(|c| c.contains(f.as_str())))
        {
            continue;
        }
        matched += 1;
        if matched <= json_limit {
            let stats = p.stats();
            json_rows.push(
                json!({"pid": p.pid().id(), "names": names, "module": p.module_name(),
                "version": p.module().map_or(0, |m| m.version()),
                "function": p.function(), "parent": p.parent().map(|p| p.id()), "status": row[3],
                "fuel": stats.fuel_used(), "memory": p.memory_total(), "mailbox": p.mailbox_len(),
                "messages_in": stats.messages_in(), "messages_out": stats.messages_out(),
                "host_call": (!row[7].is_empty()).then(|| row[7].clone())}),
            );
        }
        if matched <= text_limit {
            rows.push(row);
        }
    }
    let mut text = table(&HEADER, &rows);
    if (rows.len() as u64) < matched {
        text.push_str(&format!(
            "\n({} of {matched} processes; --limit=N shows more, --filter and --sort choose)",
            rows.len()
        ));
    }
    Ok(Reply::with_json(text, json!(json_rows)))
}

/// Rows `ps` prints unless `--limit` says otherwise.
const TEXT_ROWS: u64 = 100;

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
