//! `purge <module> [--soft]`: end the processes on old versions and drop those versions.

use serde_json::json;

use super::args::word;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "purge",
    usage: "purge <module> [--soft]",
    summary: "drop a module's old versions and end the processes still on them (reason `purged`); --soft refuses and lists them",
    examples: &[
        "load examples/wat/counter.wat as counter",
        "purge counter",
        "purge counter --soft",
    ],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a module name")?;
    let name = word(arg, "a module name")?;
    let soft = args.flag("soft");
    args.finish()?;
    let done = sh.rt.purge(&name, soft).map_err(|e| {
        let message = match e {
            grain::code::PurgeError::NoModule(_) => super::resolve::no_module(sh, &name),
            other => other.to_string(),
        };
        ShellError::at(arg.span.clone(), message)
    })?;
    let versions: Vec<String> = done
        .versions
        .iter()
        .map(|v| format!("{}@{v}", done.module))
        .collect();
    let pids: Vec<String> = done.ended.iter().map(|p| p.to_string()).collect();
    let text = match (versions.is_empty(), pids.is_empty()) {
        (true, _) => format!("{} has no old versions", done.module),
        (false, true) => format!("dropped {}", versions.join(", ")),
        (false, false) => format!(
            "dropped {}; ended {} (purged)",
            versions.join(", "),
            pids.join(" ")
        ),
    };
    let json = json!({"module": done.module, "versions": done.versions,
        "ended": done.ended.iter().map(|p| p.id()).collect::<Vec<_>>()});
    Ok(Reply::with_json(text, json))
}
