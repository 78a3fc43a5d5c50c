//! `spawn module.export(args) [link] [monitor] [as NAME] [--max-memory=BYTES] [--max-fuel=FUEL]`.

use grain::{Param, Pid, ProcessConfig};
use grain_grammar::{Arg, Span, Spanned, Value};
use serde_json::json;

use super::args::{amount, word};
use super::resolve::{pid_value, resolve};
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "spawn",
    usage: "spawn <module>.<export>(args...) [on NODE] [link] [monitor] [as NAME] [--max-memory=BYTES] [--max-fuel=FUEL]",
    summary: "start a process running an exported function; its pid is the result",
    examples: &[
        "spawn counter.counter()",
        "w = spawn counter.counter() link monitor as worker --max-fuel=100M",
        "spawn echo.echo(<0.1>)",
    ],
};

/// What `spawn` and `run` share: links, monitors, a name and limits.
pub struct Options {
    link: bool,
    monitor: bool,
    name: Option<String>,
    pub config: ProcessConfig,
}

/// Takes the options out of the arguments.
pub fn options(args: &mut Args<'_>) -> Result<Options, ShellError> {
    let mut config = ProcessConfig::root();
    config.max_memory = args
        .flag_value("max-memory")
        .map(|a| {
            amount(
                a,
                grain::quantity::parse_bytes,
                "a number of bytes, e.g. 64MiB",
            )
        })
        .transpose()?;
    config.max_fuel = args
        .flag_value("max-fuel")
        .map(|a| {
            amount(
                a,
                grain::quantity::parse_fuel,
                "an amount of fuel, e.g. 10M",
            )
        })
        .transpose()?;
    Ok(Options {
        link: args.keyword("link"),
        monitor: args.keyword("monitor"),
        name: args
            .keyword_value("as")
            .map(|a| word(a, "a name"))
            .transpose()?,
        config,
    })
}

/// Applies the options to a new process and makes the reply.
pub fn finish(sh: &mut Shell, pid: Pid, opts: &Options) -> Reply {
    if opts.link {
        sh.me.link(pid, 0);
    }
    if opts.monitor {
        sh.me.monitor(pid);
    }
    if let Some(name) = &opts.name {
        // The process was just spawned: if it already ended, there is nothing to name.
        let _ = sh.rt.register(name, pid);
    }
    Reply::value(pid_value(pid), json!({ "pid": pid.id() }))
}

pub async fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let call = args.required("a call like module.function(args)")?;
    let Arg::Call {
        module,
        function,
        args: call_args,
    } = &call.node
    else {
        return Err(ShellError::at(
            call.span.clone(),
            "expected a call like module.function(args)",
        ));
    };
    let on = args.keyword_value("on");
    let opts = options(&mut args)?;
    args.finish()?;
    let node = on.map(|n| super::remote::node(sh, n)).transpose()?;
    let m = sh
        .module(module)
        .ok_or_else(|| ShellError::at(call.span.clone(), super::resolve::no_module(sh, module)))?;
    let ty = m.function(function).ok_or_else(|| {
        ShellError::at(
            call.span.clone(),
            format!("module `{module}` exports no function `{function}`"),
        )
    })?;
    let types: Vec<wasmtime_type::Kind> = ty.params().map(|t| wasmtime_type::kind(&t)).collect();
    if types.len() != call_args.len() {
        return Err(ShellError::at(
            call.span.clone(),
            format!(
                "{module}.{function} takes {} argument(s), not {}",
                types.len(),
                call_args.len()
            ),
        ));
    }
    let params = call_args
        .iter()
        .zip(&types)
        .map(|(a, k)| param(sh, a, *k))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(node) = node.filter(|&n| n != sh.rt.node_id()) {
        let span = on.map_or_else(|| call.span.clone(), |a| a.span.clone());
        let cluster = super::remote::cluster(sh, &span)?;
        if opts.name.is_some() {
            return Err(ShellError::at(
                span,
                "`as NAME` names processes of this node only",
            ));
        }
        let pid = cluster
            .spawn(grain::cluster::RemoteSpawn {
                node,
                module: &m,
                function,
                params: &params,
                config: &opts.config,
                parent: Some(sh.pid()),
            })
            .await
            .map_err(|e| ShellError::at(call.span.clone(), e.to_string()))?;
        return Ok(finish(sh, pid, &opts));
    }
    let p = sh
        .rt
        .spawn(&m, function, &params, opts.config.clone())
        .map_err(|e| ShellError::at(call.span.clone(), e.to_string()))?;
    Ok(finish(sh, p.pid(), &opts))
}

/// Wasm parameter kinds, without depending on wasmtime here.
pub(crate) mod wasmtime_type {
    /// A parameter's kind.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Kind {
        /// i32
        I32,
        /// i64
        I64,
        /// anything else
        Other,
    }

    /// The kind of a wasm value type, from its printed form.
    pub fn kind(t: &impl std::fmt::Display) -> Kind {
        match t.to_string().as_str() {
            "i32" => Kind::I32,
            "i64" => Kind::I64,
            _ => Kind::Other,
        }
    }
}

fn param(sh: &Shell, arg: &Spanned<Value>, kind: wasmtime_type::Kind) -> Result<Param, ShellError> {
    use wasmtime_type::Kind;
    let bad = |span: Span, msg: String| ShellError::at(span, msg);
    let n = match resolve(sh, arg)? {
        Value::Int { value, .. } => value,
        Value::Pid { node, id } => i128::from(Pid::new(node, id).id()),
        Value::Bool(b) => i128::from(b),
        other => {
            return Err(bad(
                arg.span.clone(),
                format!("{other} is not a number for a wasm parameter"),
            ));
        }
    };
    match kind {
        Kind::I32 if n >= i128::from(i32::MIN) && n <= i128::from(u32::MAX) => {
            Ok(Param::I32(n as i32))
        }
        Kind::I64 if n >= i128::from(i64::MIN) && n <= i128::from(u64::MAX) => {
            Ok(Param::I64(n as i64))
        }
        Kind::Other => Err(bad(
            arg.span.clone(),
            "only i32 and i64 parameters can be given from the shell".into(),
        )),
        _ => Err(bad(
            arg.span.clone(),
            format!("{n} does not fit the parameter"),
        )),
    }
}
