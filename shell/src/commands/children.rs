//! `children <sup>`: a supervisor's children.

use serde_json::json;

use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::format::table;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "children",
    usage: "children <supervisor>",
    summary: "a supervisor's children: ids, pids, restart types and restart counts",
    examples: &["s = supervise one_for_one counter.counter()", "children s"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a supervisor")?;
    let target = pid(sh, arg)?;
    args.finish()?;
    let sup = sh.rt.supervisor(target).ok_or_else(|| {
        ShellError::at(
            arg.span.clone(),
            format!("{target} is not a live supervisor"),
        )
    })?;
    let info = sup.info();
    let rows: Vec<Vec<String>> = info
        .children
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.pid.map_or_else(|| "down".to_owned(), |p| p.to_string()),
                c.runs.clone(),
                c.restart.to_string(),
                c.restarts.to_string(),
            ]
        })
        .collect();
    Ok(Reply::with_json(
        table(&["ID", "PID", "RUNS", "RESTART", "RESTARTS"], &rows),
        json!(info),
    ))
}
