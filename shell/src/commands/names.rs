//! `names`: every registered name.

use serde_json::json;

use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "names",
    usage: "names",
    summary: "list registered names (lunatic-rs names show their last part)",
    examples: &["names"],
};

pub fn run(sh: &mut Shell, args: Args<'_>) -> Result<Reply, ShellError> {
    args.finish()?;
    let names = sh.rt.registry().list();
    let rows: Vec<Vec<String>> = names
        .iter()
        .map(|(n, p)| {
            vec![
                format!("#{}", grain::registry::display_name(n)),
                p.to_string(),
            ]
        })
        .collect();
    let json = json!(
        names
            .iter()
            .map(|(n, p)| json!({"name": n, "pid": p.id()}))
            .collect::<Vec<_>>()
    );
    if rows.is_empty() {
        return Ok(Reply::with_json("no registered names", json));
    }
    Ok(Reply::with_json(table(&["NAME", "PID"], &rows), json))
}
