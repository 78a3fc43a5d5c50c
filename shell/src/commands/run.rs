//! `run <path> [args...] [link] [monitor] [as NAME] [limits]`: run a program's `_start`.

use grain_grammar::{Arg, Value};

use super::spawn::{finish, options};
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "run",
    usage: "run <path> [ARGS...] [link] [monitor] [as NAME] [--max-memory=BYTES] [--max-fuel=FUEL]",
    summary: "load a program and start its _start as a process, with ARGS as its command line",
    examples: &[
        "run examples/wat/hello.wat",
        "run examples/wat/crasher.wat link",
    ],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let path = args.required("a program (.wasm or .wat)")?;
    let file = match &path.node {
        Arg::Path(p) => p.clone(),
        Arg::Value(Value::Str(s)) => s.clone(),
        _ => return Err(ShellError::at(path.span.clone(), "expected a path")),
    };
    let mut opts = options(&mut args)?;
    let mut argv = vec![file.clone()];
    while let Some(a) = args.positional() {
        argv.push(match &a.node {
            Arg::Word(w) | Arg::Path(w) => w.clone(),
            Arg::Value(Value::Str(s)) => s.clone(),
            Arg::Value(v) => v.to_string(),
            _ => {
                return Err(ShellError::at(
                    a.span.clone(),
                    "expected a program argument",
                ));
            }
        });
    }
    args.finish()?;
    let module = sh
        .rt
        .load_file(&file)
        .map_err(|e| ShellError::at(path.span.clone(), super::suggest::load_error(&e, &file)))?;
    opts.config.wasi.args = argv;
    let p = sh
        .rt
        .spawn(&module, "_start", &[], opts.config.clone())
        .map_err(|e| ShellError::at(path.span.clone(), e.to_string()))?;
    Ok(finish(sh, p.pid(), &opts))
}
