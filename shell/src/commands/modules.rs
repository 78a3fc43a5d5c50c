//! `modules`: the loaded modules.

use serde_json::json;

use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "modules",
    usage: "modules",
    summary: "list the loaded modules",
    examples: &["modules"],
};

pub fn run(sh: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    args.finish()?;
    let rows: Vec<Vec<String>> = sh
        .modules
        .iter()
        .map(|(name, m)| {
            let funcs = m
                .exports()
                .iter()
                .filter(|e| e.ty.starts_with("func"))
                .count();
            vec![
                name.clone(),
                m.size().to_string(),
                funcs.to_string(),
                m.imports().len().to_string(),
            ]
        })
        .collect();
    let json = json!(
        sh.modules
            .iter()
            .map(|(n, m)| json!({"name": n, "size": m.size()}))
            .collect::<Vec<_>>()
    );
    if rows.is_empty() {
        return Ok(Reply::with_json("no modules loaded", json));
    }
    Ok(Reply::with_json(
        table(&["NAME", "BYTES", "EXPORTS", "IMPORTS"], &rows),
        json,
    ))
}
