//! `modules`: the loaded modules, every version with the processes running it.

use serde_json::json;

use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "modules",
    usage: "modules",
    summary: "list the loaded modules: every version (NAME@N), current or old, with the processes running it",
    examples: &["modules"],
};

pub fn run(sh: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    args.finish()?;
    let versions = sh.rt.module_versions();
    let rows: Vec<Vec<String>> = versions
        .iter()
        .map(|m| {
            let funcs = m
                .exports()
                .iter()
                .filter(|e| e.ty.starts_with("func"))
                .count();
            vec![
                m.label(),
                if sh.rt.is_current(m) {
                    "current"
                } else {
                    "old"
                }
                .to_owned(),
                m.processes().to_string(),
                m.size().to_string(),
                funcs.to_string(),
                m.imports().len().to_string(),
            ]
        })
        .collect();
    let json = json!(
        versions
            .iter()
            .map(
                |m| json!({"name": m.name(), "version": m.version(), "current": sh.rt.is_current(m),
                "processes": m.processes(), "size": m.size()})
            )
            .collect::<Vec<_>>()
    );
    if rows.is_empty() {
        return Ok(Reply::with_json("no modules loaded", json));
    }
    Ok(Reply::with_json(
        table(
            &[
                "MODULE",
                "VERSION",
                "PROCESSES",
                "BYTES",
                "EXPORTS",
                "IMPORTS",
            ],
            &rows,
        ),
        json,
    ))
}
