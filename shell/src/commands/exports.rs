//! `exports <module>`: list a module's exports with their types.

use serde_json::json;

use super::resolve::module;
use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "exports",
    usage: "exports <module>",
    summary: "list a module's exports with their types",
    examples: &["exports counter"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let m = module(sh, args.required("a module name")?)?;
    args.finish()?;
    let items = m.exports();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let name = if i.namespace.is_empty() {
                i.name.clone()
            } else {
                format!("{}::{}", i.namespace, i.name)
            };
            vec![name, i.ty.clone()]
        })
        .collect();
    Ok(Reply::with_json(
        table(&["NAME", "TYPE"], &rows),
        json!(items),
    ))
}
