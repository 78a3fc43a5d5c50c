//! `whereis <name>`: the process registered under a name.

use grain_grammar::Value;
use serde_json::json;

use super::args::word;
use super::resolve::pid_value;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "whereis",
    usage: "whereis <NAME>",
    summary: "the pid registered under a name (the result is that pid, or () if none)",
    examples: &["whereis counter"],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a name")?;
    let name = match &arg.node {
        grain_grammar::Arg::Value(Value::Name(n)) => n.clone(),
        _ => word(arg, "a name")?,
    };
    args.finish()?;
    match sh.rt.registry().get(&name) {
        Some(p) => Ok(Reply::value(
            pid_value(p),
            json!({ "name": name, "pid": p.id() }),
        )),
        None => Ok(Reply::value(
            Value::Unit,
            json!({ "name": name, "pid": null }),
        )),
    }
}
