//! `info <pid>`: everything about a process (or how it ended).

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::format::{self, size};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "info",
    usage: "info <pid>",
    summary: "a process's state, links, monitors, limits, permissions, fuel, memory, mailbox head; or how it ended",
    examples: &["info c", "info #counter"],
};

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    args.finish()?;
    if super::remote::is_remote(sh, target) {
        let text = super::remote::info(sh, target, &arg.span).await?;
        return Ok(Reply::with_json(
            text.clone(),
            json!({ "pid": target.id(), "info": text }),
        ));
    }
    let (text, json) = local(&sh.rt, target)
        .ok_or_else(|| ShellError::at(arg.span.clone(), format!("no process {target}")))?;
    Ok(Reply::with_json(text, json))
}

/// What `info` says about a process of this node (alive, or ended recently with its trap's
/// backtrace), as text and as JSON; `None` when the node knows of no such process.
pub fn local(rt: &grain::Runtime, target: grain::Pid) -> Option<(String, serde_json::Value)> {
    let Some(p) = rt.process(target) else {
        let record = rt.exited(target)?;
        let mut text = format!(
            "{target}  {}.{}\n  ended: {}",
            record.module, record.function, record.reason
        );
        if let Some(trap) = record.reason.trap() {
            text.push_str(&backtrace_lines(trap));
        }
        if let Some(path) = &record.coredump {
            text.push_str(&format!("\n  coredump: {}", path.display()));
        }
        return Some((text, json!(record)));
    };
    let stats = p.stats();
    let c = p.config();
    let names: Vec<String> = rt
        .registry()
        .names_of(target)
        .iter()
        .map(|n| format!("#{}", grain::registry::display_name(n)))
        .collect();
    let pids = |v: Vec<grain::Pid>| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let links: Vec<String> = p
        .links()
        .iter()
        .map(|(p, t)| t.map_or_else(|| p.to_string(), |t| format!("{p} (tag {t})")))
        .collect();
    // A host process (a supervisor) parks in receive too, but that is not a host call.
    let host_call = stats.host_call().filter(|_| p.module().is_some());
    let call = host_call.map(|(call, since)| {
        format!(
            "{} for {:.1?}",
            call.name(),
            std::time::Duration::from_micros(rt.now_us().saturating_sub(since))
        )
    });
    let fuel_limit = c
        .fuel_limit()
        .map_or_else(|| "unlimited".to_owned(), |f| f.to_string());
    let mem_limit = c
        .max_memory
        .map_or_else(|| "4 GiB (wasm32)".to_owned(), size);
    let perms: Vec<&str> = [
        (c.can_spawn_processes, "spawn"),
        (c.can_compile_modules, "compile"),
        (c.can_create_configs, "configs"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| *n)
    .collect();
    let head: Vec<String> =
        p.peek_mailbox(|q| q.iter().take(3).map(|m| format::message(m, None)).collect());
    // Queued messages are the process's memory too (Erlang counts them in its heap).
    let queued = p.mailbox_bytes() as u64;
    let memory = if queued == 0 {
        size(stats.memory_bytes())
    } else {
        format!(
            "{} ({} linear, {} in queued messages)",
            size(p.memory_total()),
            size(stats.memory_bytes()),
            size(queued)
        )
    };
    let mut text = format!(
        "{target}  {}.{}{}\n  status:      {}{}\n  parent:      {}\n  links:       {}\n  monitors:    {} (monitored by {})\n  fuel:        {} used, limit {fuel_limit}\n  memory:      {}, limit {mem_limit}\n  messages:    {} queued, {} in, {} out\n  permissions: {}\n  traps links: {}",
        p.code(),
        p.function(),
        if names.is_empty() {
            String::new()
        } else {
            format!("  {}", names.join(" "))
        },
        super::ps::status(stats.status()),
        call.map_or_else(String::new, |c| format!(" in {c}")),
        p.parent()
            .map_or_else(|| "the host".to_owned(), |p| p.to_string()),
        if links.is_empty() {
            "none".to_owned()
        } else {
            links.join(" ")
        },
        pids(p.monitoring()),
        pids(p.monitored_by()),
        stats.fuel_used(),
        memory,
        p.mailbox_len(),
        stats.messages_in(),
        stats.messages_out(),
        if perms.is_empty() {
            "none".to_owned()
        } else {
            perms.join(", ")
        },
        if p.traps_link_deaths() { "yes" } else { "no" },
    );
    for (i, m) in head.iter().enumerate() {
        text.push_str(&format!("\n  mailbox[{i}]:  {m}"));
    }
    if let Some(sup) = rt.supervisor(target) {
        let info = sup.info();
        text.push_str(&format!(
            "\n  supervises:  {}, at most {} restarts in {:?}",
            info.strategy, info.intensity.max_restarts, info.intensity.period
        ));
        for child in &info.children {
            let pid = child
                .pid
                .map_or_else(|| "down".to_owned(), |p| p.to_string());
            text.push_str(&format!(
                "\n    {} {pid} ({}, {}, restarts: {})",
                child.id, child.runs, child.restart, child.restarts
            ));
        }
    }
    let host_call = host_call.map(
        |(call, since)| json!({ "name": call.name(), "for_us": rt.now_us().saturating_sub(since) }),
    );
    let ids = |v: Vec<grain::Pid>| v.iter().map(|p| p.id()).collect::<Vec<_>>();
    let json = json!({"pid": target.id(), "module": p.module_name(), "function": p.function(), "names": names,
        "version": p.module().map_or(0, |m| m.version()),
        "status": super::ps::status(stats.status()), "host_call": host_call,
        "parent": p.parent().map(|p| p.id()),
        "links": p.links().iter().map(|(p, t)| json!({ "pid": p.id(), "tag": t })).collect::<Vec<_>>(),
        "monitoring": ids(p.monitoring()), "monitored_by": ids(p.monitored_by()),
        "fuel": stats.fuel_used(), "fuel_limit": c.fuel_limit(),
        "memory": p.memory_total(), "memory_linear": stats.memory_bytes(), "mailbox_bytes": queued,
        "memory_limit": c.max_memory, "mailbox": p.mailbox_len(), "mailbox_head": head,
        "messages_in": stats.messages_in(), "messages_out": stats.messages_out(),
        "permissions": perms, "traps_links": p.traps_link_deaths()});
    Some((text, json))
}

/// A dead process's backtrace, folded as `grain run` prints it, under `ended:`.
fn backtrace_lines(trap: &grain::Trap) -> String {
    grain::backtrace::lines(&trap.backtrace, trap.backtrace_cut)
        .iter()
        .map(|line| format!("\n  {line}"))
        .collect()
}
