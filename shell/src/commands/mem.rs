//! `mem <pid> read <addr> <len>`: a hexdump of a process's memory, read safely.

use serde_json::json;

use super::args::{int, word};
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::format::hexdump;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "mem",
    usage: "mem <pid> read <ADDR> <LEN>",
    summary: "hexdump a process's linear memory (the process answers at its next safe point)",
    examples: &["mem c read 0x64 16"],
};

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let target_arg = args.required("a pid")?;
    let target = pid(sh, target_arg)?;
    let verb = args.required("`read`")?;
    if word(verb, "`read`")? != "read" {
        return Err(ShellError::at(verb.span.clone(), "expected `read`"));
    }
    let addr = int(args.required("an address")?, "an address")?;
    let len_arg = args.required("a length")?;
    let len = int(len_arg, "a length")?;
    args.finish()?;
    if len > 1 << 20 {
        return Err(ShellError::at(
            len_arg.span.clone(),
            "at most 1 MiB at a time",
        ));
    }
    let p = sh
        .rt
        .process(target)
        .ok_or_else(|| ShellError::at(target_arg.span.clone(), format!("{target} is not alive")))?;
    let bytes = p
        .read_memory(addr, len)
        .await
        .map_err(|e| ShellError::at(target_arg.span.clone(), e.to_string()))?;
    Ok(Reply::with_json(
        hexdump(addr, &bytes),
        json!({ "pid": target.id(), "addr": addr, "bytes": bytes }),
    ))
}
