//! `send <pid> <value> [as bincode|raw|json] [--tag=N]`.

use serde_json::json;

use super::args::{int, word};
use super::resolve::{pid, resolve};
use super::{Args, Help, Reply};
use crate::encode::{Encoding, encode};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "send",
    usage: "send <pid|#name|$x> <value> [as bincode|raw|json] [--tag=N]",
    summary: "send a value; bincode (what lunatic-rs decodes) by default, raw bytes for WAT guests",
    examples: &[
        "send c 5",
        "send #counter (1u32, \"two\")",
        "send c b\"raw bytes\" as raw --tag=1",
        "send c {n: 1} as json",
    ],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let target_arg = args.required("a pid")?;
    let target = pid(sh, target_arg)?;
    let value_arg = args.required("a value to send")?;
    // A bare name (`send c self`, `send c x`) is the binding of that name.
    let v = match &value_arg.node {
        grain_grammar::Arg::Value(v) => v.clone(),
        grain_grammar::Arg::Word(w) => grain_grammar::Value::Var(w.clone()),
        _ => return Err(ShellError::at(value_arg.span.clone(), "expected a value")),
    };
    let encoding = match args.keyword_value("as") {
        None => Encoding::Bincode,
        Some(a) => match word(a, "an encoding")?.as_str() {
            "bincode" => Encoding::Bincode,
            "raw" => Encoding::Raw,
            "json" => Encoding::Json,
            other => {
                return Err(ShellError::at(
                    a.span.clone(),
                    format!("unknown encoding `{other}`, expected bincode, raw or json"),
                ));
            }
        },
    };
    let tag = args
        .flag_value("tag")
        .map(|a| int(a, "a tag"))
        .transpose()?
        .unwrap_or(0);
    args.finish()?;
    let value = resolve(
        sh,
        &grain_grammar::Spanned {
            node: v,
            span: value_arg.span.clone(),
        },
    )?;
    let bytes = encode(&value, encoding).map_err(|e| ShellError::at(value_arg.span.clone(), e))?;
    let n = bytes.len();
    if !sh.me.send(target, tag as i64, bytes) {
        return Err(ShellError::at(
            target_arg.span.clone(),
            format!("{target} is not alive (the message was dropped)"),
        ));
    }
    Ok(Reply::with_json(
        format!("sent {n} bytes to {target}"),
        json!({ "to": target.id(), "bytes": n, "tag": tag }),
    ))
}
