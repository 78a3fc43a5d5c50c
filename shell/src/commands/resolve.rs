//! Turning arguments into things: pids (from `<0.3>`, `#name`, `$1`, a binding), values with
//! their references replaced, modules.

use grain::{Module, Pid};
use grain_grammar::{Arg, Spanned, Value};

use crate::shell::{Shell, ShellError};

/// A pid: a literal, a registered name, a result or a binding holding one.
pub fn pid(sh: &Shell, arg: &Spanned<Arg>) -> Result<Pid, ShellError> {
    let value = match &arg.node {
        Arg::Value(v) => resolve(
            sh,
            &Spanned {
                node: v.clone(),
                span: arg.span.clone(),
            },
        )?,
        Arg::Word(w) => sh
            .binding(w)
            .ok_or_else(|| ShellError::at(arg.span.clone(), format!("no binding `{w}`")))?,
        _ => {
            return Err(ShellError::at(
                arg.span.clone(),
                "expected a pid, like <0.3>, #name or $1",
            ));
        }
    };
    as_pid(sh, &value)
        .ok_or_else(|| ShellError::at(arg.span.clone(), format!("{value} is not a process")))
}

fn as_pid(sh: &Shell, value: &Value) -> Option<Pid> {
    match value {
        Value::Pid { node, id } => Some(Pid::new(*node, *id)),
        Value::Name(name) => sh.rt.registry().get(name),
        _ => None,
    }
}

/// A value with `$N`, `$name` and `#name` replaced by what they stand for.
pub fn resolve(sh: &Shell, value: &Spanned<Value>) -> Result<Value, ShellError> {
    let at = |msg: String| ShellError::at(value.span.clone(), msg);
    Ok(match &value.node {
        Value::Result(n) => sh
            .results
            .get(n.wrapping_sub(1))
            .cloned()
            .ok_or_else(|| at(format!("no result ${n} (there are {})", sh.results.len())))?,
        Value::Var(name) => sh
            .binding(name)
            .ok_or_else(|| at(format!("no binding `{name}`")))?,
        Value::Name(name) => {
            let pid = sh
                .rt
                .registry()
                .get(name)
                .ok_or_else(|| at(format!("no process is registered as #{name}")))?;
            pid_value(pid)
        }
        Value::Tuple(items) => Value::Tuple(resolve_all(sh, items)?),
        Value::List(items) => Value::List(resolve_all(sh, items)?),
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| Ok((respan(resolve(sh, k)?, k), respan(resolve(sh, v)?, v))))
                .collect::<Result<_, ShellError>>()?,
        ),
        other => other.clone(),
    })
}

fn respan(node: Value, like: &Spanned<Value>) -> Spanned<Value> {
    Spanned {
        node,
        span: like.span.clone(),
    }
}

fn resolve_all(sh: &Shell, items: &[Spanned<Value>]) -> Result<Vec<Spanned<Value>>, ShellError> {
    items
        .iter()
        .map(|i| Ok(respan(resolve(sh, i)?, i)))
        .collect()
}

/// A loaded module by name.
pub fn module(sh: &Shell, arg: &Spanned<Arg>) -> Result<Module, ShellError> {
    let name = crate::commands::args::word(arg, "a module name")?;
    sh.module(&name)
        .ok_or_else(|| ShellError::at(arg.span.clone(), no_module(sh, &name)))
}

/// "No module `x`", with the nearest loaded name or what is loaded.
pub fn no_module(sh: &Shell, name: &str) -> String {
    let (base, version) = grain::code::split(name);
    if version.is_some() && sh.module(base).is_some() {
        let kept: Vec<String> = sh
            .rt
            .module_versions()
            .iter()
            .filter(|m| m.name() == base)
            .map(|m| m.label())
            .collect();
        return format!("no version {name} (kept: {})", kept.join(", "));
    }
    let names = sh.module_names();
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    if let Some(close) = super::suggest::nearest(name, known.iter().copied()) {
        return format!("no module `{name}`; did you mean {close}?");
    }
    let hint = if known.is_empty() {
        "load one first".to_owned()
    } else {
        format!("loaded: {}", known.join(", "))
    };
    format!("no module `{name}` ({hint})")
}

/// A pid as a shell value.
pub fn pid_value(pid: Pid) -> Value {
    Value::Pid {
        node: pid.node(),
        id: pid.local(),
    }
}

/// A table of a module's exports or imports.
pub fn items(items: Vec<grain::module::ItemInfo>) -> crate::commands::Reply {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let name = if i.namespace.is_empty() {
                i.name.clone()
            } else {
                format!("{}::{}", i.namespace, i.name)
            };
            vec![name, i.ty.clone()]
        })
        .collect();
    crate::commands::Reply::with_json(
        crate::format::table(&["NAME", "TYPE"], &rows),
        serde_json::json!(items),
    )
}
