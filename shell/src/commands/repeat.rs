//! `repeat N COMMAND ...`: run a command N times; the results make a list.

use grain_grammar::{Arg, Command, Spanned, Value};
use serde_json::json;

use super::args::int;
use super::{Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "repeat",
    usage: "repeat N COMMAND [ARGS...]",
    summary: "run a command N times; the result is the list of its results (`crowd = repeat 1000 spawn counter.counter()`)",
    examples: &["pids = repeat 3 spawn counter.counter()", "kill pids"],
};

/// The most repetitions of one line.
const MAX: u64 = 1_000_000;

pub async fn run(sh: &mut Shell, cmd: &Command) -> Result<Reply, ShellError> {
    let span = cmd.span.clone();
    let (Some(count), Some(name)) = (cmd.args.first(), cmd.args.get(1)) else {
        return Err(ShellError::at(
            span,
            "repeat needs a count and a command, e.g. `repeat 10 spawn counter.counter()`",
        ));
    };
    let n = int(count, "a count")?;
    if !(1..=MAX).contains(&n) {
        return Err(ShellError::at(
            count.span.clone(),
            format!("a count from 1 to {MAX}"),
        ));
    }
    let Arg::Word(word) = &name.node else {
        return Err(ShellError::at(name.span.clone(), "expected a command"));
    };
    if word == "repeat" {
        return Err(ShellError::at(
            name.span.clone(),
            "repeat does not repeat itself",
        ));
    }
    let inner = Command {
        name: Spanned {
            node: word.clone(),
            span: name.span.clone(),
        },
        args: cmd.args[2..].to_vec(),
        span: name.span.start..span.end,
    };
    let mut values = Vec::new();
    let mut last = Reply::default();
    for _ in 0..n {
        last = Box::pin(super::run(sh, &inner)).await?;
        if let Some(value) = last.value.take() {
            values.push(Spanned {
                node: value,
                span: span.clone(),
            });
        }
    }
    if values.is_empty() {
        return Ok(Reply::with_json(
            format!("ran `{word}` {n} times; the last said:\n{}", last.text),
            json!({ "times": n }),
        ));
    }
    let count = values.len();
    let list = Value::List(values);
    Ok(Reply::value(
        list.clone(),
        json!({ "times": n, "results": count, "value": list.to_string() }),
    ))
}
