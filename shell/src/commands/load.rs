//! `load <path> [as name]`: compile a module.

use grain_grammar::{Arg, Value};
use serde_json::json;

use super::args::word;
use super::{Args, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "load",
    usage: "load <path> [as NAME]",
    summary: "compile a .wasm or .wat module and keep it under a name (the file's stem by default)",
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
    let module = sh
        .rt
        .load_file(&file)
        .map_err(|e| at(super::suggest::load_error(&e, &file)))?;
    let name = name.unwrap_or_else(|| module.name().to_owned());
    let exports: Vec<String> = module
        .exports()
        .into_iter()
        .filter(|e| e.ty.starts_with("func"))
        .map(|e| e.name)
        .collect();
    let imports = module.imports().len();
    let text = format!(
        "loaded {name}: {} bytes, compiled in {:.1?}\n  exports: {}\n  imports: {imports}",
        module.size(),
        module.compile_time(),
        exports.join(", ")
    );
    let json = json!({ "name": name, "size": module.size(), "exports": exports, "imports": imports,
        "compile_us": module.compile_time().as_micros() as u64 });
    sh.modules.insert(name, module);
    Ok(Reply::with_json(text, json))
}
