//! Host functions grain links but does not implement yet (networking, sqlite, metrics and
//! the resource passing that goes with sockets). Every lunatic-rs module loads; calling one of
//! these traps the caller with a message naming the function, never a silent wrong answer.

use wasmtime::{FuncType, Linker, ValType};

use super::{Result, fail};
use crate::process::ProcessState;

/// (namespace, name, params, results): `i` i32, `I` i64, `F` f64.
const FUNCTIONS: &[(&str, &str, &str, &str)] = &[
    ("lunatic::message", "push_tls_stream", "I", "I"),
    ("lunatic::message", "take_tls_stream", "I", "I"),
    ("lunatic::metrics", "counter", "iiI", ""),
    ("lunatic::metrics", "increment_counter", "ii", ""),
    ("lunatic::metrics", "gauge", "iiF", ""),
    ("lunatic::metrics", "increment_gauge", "iiF", ""),
    ("lunatic::metrics", "decrement_gauge", "iiF", ""),
    ("lunatic::metrics", "histogram", "iiF", ""),
    ("lunatic::networking", "tls_bind", "iiiiiiiiii", "i"),
    ("lunatic::networking", "drop_tls_listener", "I", ""),
    ("lunatic::networking", "tls_local_addr", "Ii", "i"),
    ("lunatic::networking", "tls_accept", "Iii", "i"),
    ("lunatic::networking", "tls_connect", "iiiIiii", "i"),
    ("lunatic::networking", "drop_tls_stream", "I", ""),
    ("lunatic::networking", "clone_tls_stream", "I", "I"),
    ("lunatic::networking", "tls_write_vectored", "Iiii", "i"),
    ("lunatic::networking", "tls_read", "Iiii", "i"),
    ("lunatic::networking", "set_tls_read_timeout", "II", ""),
    ("lunatic::networking", "set_tls_write_timeout", "II", ""),
    ("lunatic::networking", "get_tls_read_timeout", "I", "I"),
    ("lunatic::networking", "get_tls_write_timeout", "I", "I"),
    ("lunatic::networking", "tls_flush", "Ii", "i"),
];

fn types(code: &str) -> Vec<ValType> {
    code.chars()
        .map(|c| match c {
            'i' => ValType::I32,
            'I' => ValType::I64,
            _ => ValType::F64,
        })
        .collect()
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    for (namespace, name, params, results) in FUNCTIONS {
        let ty = FuncType::new(linker.engine(), types(params), types(results));
        let full: &'static str = Box::leak(format!("{namespace}::{name}").into_boxed_str());
        linker.func_new(namespace, name, ty, move |_, _, _| {
            Err(fail(
                full,
                "not implemented in grain yet (networking, sqlite and metrics are coming)",
            ))
        })?;
    }
    Ok(())
}
