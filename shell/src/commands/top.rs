//! `top [--fuel|--memory|--mailbox] [N] [--window=DURATION]`: the processes with the most
//! of a resource, now or over a window (recon's `proc_count` and `proc_window`).

use std::collections::HashMap;

use grain::{Pid, Process};
use serde_json::json;

use super::args::{amount, int};
use super::{Args, Help, Reply};
use crate::format::{size, table};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "top",
    usage: "top [--fuel|--memory|--mailbox] [N] [--window=DURATION]",
    summary: "the N (10) biggest users of fuel, memory or mailbox; with --window, of what they gained in it",
    examples: &["top", "top --memory 3", "top --fuel --window=200ms"],
};

/// What `top` ranks by.
#[derive(Clone, Copy)]
enum Resource {
    Fuel,
    Memory,
    Mailbox,
}

impl Resource {
    fn key(self) -> &'static str {
        match self {
            Resource::Fuel => "fuel",
            Resource::Memory => "memory",
            Resource::Mailbox => "mailbox",
        }
    }

    fn of(self, p: &Process) -> u64 {
        match self {
            Resource::Fuel => p.stats().fuel_used(),
            Resource::Memory => p.memory_total(),
            Resource::Mailbox => p.mailbox_len() as u64,
        }
    }

    fn show(self, value: u64) -> String {
        match self {
            Resource::Fuel => grain::quantity::count(value),
            Resource::Memory => size(value),
            Resource::Mailbox => value.to_string(),
        }
    }
}

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let chosen: Vec<Resource> = [Resource::Fuel, Resource::Memory, Resource::Mailbox]
        .into_iter()
        .filter(|r| args.flag(r.key()))
        .collect();
    let resource = match chosen[..] {
        [] => Resource::Fuel,
        [one] => one,
        _ => {
            return Err(ShellError::at(
                args.name_span(),
                "top ranks by one of --fuel, --memory, --mailbox",
            ));
        }
    };
    let window = args
        .flag_value("window")
        .map(|a| amount(a, window_ms, "a duration, e.g. 1s").map(std::time::Duration::from_millis))
        .transpose()?;
    let n = args
        .positional()
        .map(|a| int(a, "a number of processes"))
        .transpose()?
        .unwrap_or(10) as usize;
    args.finish()?;
    let mut ranked: Vec<(Process, u64)> = match window {
        None => sh
            .rt
            .processes()
            .into_iter()
            .map(|p| {
                let v = resource.of(&p);
                (p, v)
            })
            .collect(),
        Some(window) => {
            let before: HashMap<Pid, u64> = sh
                .rt
                .processes()
                .iter()
                .map(|p| (p.pid(), resource.of(p)))
                .collect();
            tokio::time::sleep(window).await;
            // Processes that started during the window count from nothing.
            sh.rt
                .processes()
                .into_iter()
                .map(|p| {
                    let was = before.get(&p.pid()).copied().unwrap_or(0);
                    let v = resource.of(&p).saturating_sub(was);
                    (p, v)
                })
                .collect()
        }
    };
    let total: u64 = ranked.iter().map(|(_, v)| v).sum();
    ranked.sort_by_key(|(p, v)| (std::cmp::Reverse(*v), p.pid()));
    ranked.truncate(n);
    let title = match window {
        Some(w) => format!("{} IN {w:?}", resource.key().to_uppercase()),
        None => resource.key().to_uppercase(),
    };
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .map(|(p, v)| {
            vec![
                p.pid().to_string(),
                names(sh, p.pid()).join(","),
                format!("{}.{}", p.code(), p.function()),
                resource.show(*v),
                format!("{:.1}%", *v as f64 * 100.0 / total.max(1) as f64),
            ]
        })
        .collect();
    let json_rows: Vec<_> = ranked
        .iter()
        .map(|(p, v)| {
            json!({"pid": p.pid().id(), "names": names(sh, p.pid()), "module": p.module_name(),
                   "function": p.function(), resource.key(): v})
        })
        .collect();
    let text = table(&["PID", "NAME", "RUNS", &title, "SHARE"], &rows);
    Ok(Reply::with_json(
        text,
        json!({"by": resource.key(), "window_ms": window.map(|w| w.as_millis() as u64),
               "processes": json_rows}),
    ))
}

fn window_ms(text: &str) -> Result<u64, grain::quantity::QuantityError> {
    grain::quantity::parse_duration(text).map(|d| d.as_millis() as u64)
}

fn names(sh: &Shell, pid: Pid) -> Vec<String> {
    sh.rt
        .registry()
        .names_of(pid)
        .iter()
        .map(|n| grain::registry::display_name(n).to_owned())
        .collect()
}
