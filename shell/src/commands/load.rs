//! `load <path> [as name]`: compile a module.

use grain_grammar::{Arg, Value};
use serde_json::json;

use super::args::word;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "load",
    usage: "load <path> [as NAME]",
    summary: "compile a .wasm or .wat module and keep it under a name (the file's stem by default); loading a name again makes its next version (NAME@2)",
    examples: &[
        "load examples/wat/hello.wat",
        "load examples/wat/ring.wat as ring",
    ],
};

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let path = args.required("a path to a .wasm or .wat file")?;
    let file = match &path.node {
        Arg::Path(p) => p.clone(),
        Arg::Value(Value::Str(s)) => s.clone(),
        Arg::Word(w) => w.clone(),
        _ => return Err(ShellError::at(path.span.clone(), "expected a path")),
    };
    let name = args
        .keyword_value("as")
        .map(|a| word(a, "a module name"))
        .transpose()?;
    args.finish()?;
    let at = |message: String| ShellError::at(path.span.clone(), message);
    let module_like = [".wasm", ".wat"].iter().any(|e| file.ends_with(e));
    if !module_like && std::path::Path::new(&file).is_file() {
        let bytes = std::fs::read(&file).unwrap_or_default();
        if !bytes.starts_with(b"\0asm") {
            return Err(at(format!(
                "{file} is not a module: load takes a .wasm binary or a .wat text file"
            )));
        }
    }
    if let Some(name) = name.as_deref().filter(|n| n.contains('@')) {
        return Err(at(format!(
            "`{name}`: a module name has no @ (loading under a name makes its next version)"
        )));
    }
    let module = sh
        .rt
        .load_file_as(&file, name.as_deref())
        .map_err(|e| at(super::suggest::load_error(&e, &file)))?;
    let name = module.label();
    let exports: Vec<String> = module
        .exports()
        .into_iter()
        .filter(|e| e.ty.starts_with("func"))
        .map(|e| e.name)
        .collect();
    let imports = module.imports().len();
    let mut text = format!(
        "loaded {name}: {} bytes, compiled in {:.1?}\n  exports: {}\n  imports: {imports}",
        module.size(),
        module.compile_time(),
        exports.join(", ")
    );
    let old: Vec<_> = sh
        .rt
        .module_versions()
        .into_iter()
        .filter(|m| m.name() == module.name() && m.id() != module.id())
        .collect();
    for m in &old {
        text.push_str(&format!(
            "\n  {} is old: {} process{} still run{} it (upgrade or purge them)",
            m.label(),
            m.processes(),
            if m.processes() == 1 { "" } else { "es" },
            if m.processes() == 1 { "s" } else { "" },
        ));
    }
    let old: Vec<_> = old
        .iter()
        .map(|m| json!({"version": m.version(), "processes": m.processes()}))
        .collect();
    let json = json!({ "name": module.name(), "version": module.version(), "size": module.size(),
        "exports": exports, "imports": imports, "old": old,
        "compile_us": module.compile_time().as_micros() as u64 });
    Ok(Reply::with_json(text, json))
}
