//! `restart <sup> <child>`: stop a supervised child and start it again.

use serde_json::json;

use super::args::word;
use super::resolve::{pid, pid_value};
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "restart",
    usage: "restart <supervisor> <CHILD-ID>",
    summary: "restart a supervised child by hand; the result is its new pid",
    examples: &[
        "s = supervise one_for_one counter.counter()",
        "restart s counter",
    ],
};

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a supervisor")?;
    let target = pid(sh, arg)?;
    let child_arg = args.required("a child id")?;
    let child = word(child_arg, "a child id")?;
    args.finish()?;
    let sup = sh.rt.supervisor(target).ok_or_else(|| {
        ShellError::at(
            arg.span.clone(),
            format!("{target} is not a live supervisor"),
        )
    })?;
    let new = sup
        .restart_child(&child)
        .await
        .map_err(|e| ShellError::at(child_arg.span.clone(), e.to_string()))?;
    Ok(Reply::value(
        pid_value(new),
        json!({ "supervisor": target.id(), "child": child, "pid": new.id() }),
    ))
}
