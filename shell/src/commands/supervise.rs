//! `supervise <strategy> [intensity N/T] <child>... [as NAME]`: start a supervisor.
//!
//! A child is a call `module.function(args)`, optionally followed by its restart type
//! (`permanent`, the default, `transient` or `temporary`). Children's ids are their function
//! names (`-2`, `-3`... when repeated).

use grain::ProcessConfig;
use grain::supervisor::{
    ChildKind, ChildSpec, Intensity, Restart, Strategy, SupervisorSpec, parse_intensity,
};
use grain_grammar::{Arg, Value};
use serde_json::json;

use super::resolve::pid_value;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "supervise",
    usage: "supervise one_for_one|one_for_all|rest_for_one [intensity N/Ts] <module.function(args) [transient|temporary]>... [as NAME]",
    summary: "start a supervisor over children; it restarts them as OTP's supervisors do",
    examples: &[
        "supervise one_for_one intensity 3/5s counter.counter() counter.counter() transient as sup",
    ],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let strategy_arg = args.required("a strategy")?;
    let strategy = match super::args::word(strategy_arg, "a strategy")?.as_str() {
        "one_for_one" => Strategy::OneForOne,
        "one_for_all" => Strategy::OneForAll,
        "rest_for_one" => Strategy::RestForOne,
        other => {
            return Err(ShellError::at(
                strategy_arg.span.clone(),
                format!(
                    "unknown strategy `{other}`, expected one_for_one, one_for_all or rest_for_one"
                ),
            ));
        }
    };
    let intensity = match args.keyword_value("intensity") {
        None => Intensity::default(),
        Some(a) => {
            let text = match &a.node {
                Arg::Path(p) => p.clone(),
                Arg::Value(Value::Str(s)) => s.clone(),
                _ => return Err(ShellError::at(a.span.clone(), "expected N/T, like 3/5s")),
            };
            parse_intensity(&text).map_err(|e| ShellError::at(a.span.clone(), e))?
        }
    };
    let name = args
        .keyword_value("as")
        .map(|a| super::args::word(a, "a name"))
        .transpose()?;
    let mut children: Vec<ChildSpec> = Vec::new();
    while let Some(a) = args.positional() {
        match &a.node {
            Arg::Call {
                module,
                function,
                args: call_args,
            } => {
                let m = sh.module(module).ok_or_else(|| {
                    ShellError::at(a.span.clone(), super::resolve::no_module(sh, module))
                })?;
                let mut params = Vec::new();
                for v in call_args {
                    match super::resolve::resolve(sh, v)? {
                        Value::Int { value, .. } => params.push(grain::Param::I64(value as i64)),
                        Value::Pid { node, id } => {
                            params.push(grain::Param::I64(grain::Pid::new(node, id).id() as i64))
                        }
                        other => {
                            return Err(ShellError::at(
                                v.span.clone(),
                                format!("{other} cannot be a child's argument"),
                            ));
                        }
                    }
                }
                let taken = children
                    .iter()
                    .filter(|c| c.id == *function || c.id.starts_with(&format!("{function}-")))
                    .count();
                let id = if taken == 0 {
                    function.clone()
                } else {
                    format!("{function}-{}", taken + 1)
                };
                let kind = ChildKind::Worker {
                    // `counter@1.loop()` pins a version; `counter.loop()` follows reloads.
                    pinned: module.contains('@'),
                    module: m,
                    function: function.clone(),
                    params,
                    config: ProcessConfig::root(),
                };
                children.push(ChildSpec {
                    id,
                    kind,
                    restart: Restart::Permanent,
                    name: None,
                });
            }
            Arg::Word(w) if matches!(w.as_str(), "permanent" | "transient" | "temporary") => {
                let last = children.last_mut().ok_or_else(|| {
                    ShellError::at(a.span.clone(), "a restart type follows a child")
                })?;
                last.restart = match w.as_str() {
                    "transient" => Restart::Transient,
                    "temporary" => Restart::Temporary,
                    _ => Restart::Permanent,
                };
            }
            _ => {
                return Err(ShellError::at(
                    a.span.clone(),
                    "expected a child like module.function(args)",
                ));
            }
        }
    }
    args.finish()?;
    let spec = SupervisorSpec {
        strategy,
        intensity,
        children,
    };
    let sup = sh
        .rt
        .start_supervisor(spec, name.as_deref())
        .map_err(|e| ShellError::at(strategy_arg.span.clone(), e.to_string()))?;
    Ok(Reply::value(
        pid_value(sup.pid()),
        json!({ "supervisor": sup.pid().id() }),
    ))
}
