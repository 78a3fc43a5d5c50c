//! What a lunatic-rs process runs. lunatic-rs spawns every process through one exported
//! trampoline, `_lunatic_spawn_by_index_<version>(function, arg)`, whose arguments are
//! slots of the module's function table: the trampoline calls `function(arg)`, and for
//! `Process::spawn` that `function` is a generic `type_helper_wrapper` that calls `arg`,
//! the user's function. This module reads the table's initial slots and the name section
//! once per module, so `ps`, `info` and the observer can say `bench::spawn_parked::{{closure}}`
//! instead of the trampoline's name.

use std::collections::HashMap;
use std::sync::Arc;

use wasmparser::{ElementItems, ElementKind, KnownCustom, Name, Operator, Parser, Payload};

use crate::exit::demangle;
use crate::process::Param;

/// Is `export` lunatic-rs's spawn trampoline (`_lunatic_spawn_by_index_<version>`)?
pub(crate) fn is_trampoline(export: &str) -> bool {
    export.starts_with("_lunatic_spawn_by_index")
}

/// The names of the functions in a module's table, by slot (shared: every process a
/// trampoline starts holds its name without a copy).
#[derive(Debug, Default)]
pub(crate) struct TableNames {
    by_slot: HashMap<u32, Arc<str>>,
}

impl TableNames {
    /// Reads `bytes` (a binary module; text modules have no lunatic-rs trampoline). Anything
    /// unreadable gives fewer names, never an error: names are for people.
    pub(crate) fn read(bytes: &[u8]) -> TableNames {
        let mut slots: Vec<(u32, u32)> = Vec::new();
        let mut names: HashMap<u32, String> = HashMap::new();
        let mut imported = 0u32;
        let mut bodies: Vec<wasmparser::FunctionBody<'_>> = Vec::new();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload {
                Ok(Payload::ImportSection(reader)) => {
                    imported += reader
                        .into_imports()
                        .flatten()
                        .filter(|i| matches!(i.ty, wasmparser::TypeRef::Func(_)))
                        .count() as u32;
                }
                Ok(Payload::CodeSectionEntry(body)) => bodies.push(body),
                Ok(Payload::ElementSection(reader)) => {
                    for element in reader.into_iter().flatten() {
                        table_slots(&element, &mut slots);
                    }
                }
                Ok(Payload::CustomSection(section)) => {
                    if let KnownCustom::Name(reader) = section.as_known() {
                        for name in reader.into_iter().flatten() {
                            if let Name::Function(map) = name {
                                for naming in map.into_iter().flatten() {
                                    names.insert(naming.index, naming.name.to_owned());
                                }
                            }
                        }
                    }
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        // A closure made a `fn` pointer is reached through a `FnOnce::call_once` shim; a shim
        // that only calls one function stands for that function.
        let through_shim = |func: u32| -> u32 {
            let shim = names
                .get(&func)
                .is_some_and(|n| demangle(n).ends_with("FnOnce::call_once"));
            let body = func
                .checked_sub(imported)
                .and_then(|i| bodies.get(i as usize));
            match (shim, body) {
                (true, Some(body)) => only_call(body).unwrap_or(func),
                _ => func,
            }
        };
        let by_slot = slots
            .into_iter()
            .filter_map(|(slot, func)| {
                Some((slot, demangle(names.get(&through_shim(func))?).into()))
            })
            .collect();
        TableNames { by_slot }
    }

    /// What the trampoline called with `params` runs, if they name functions of the table.
    pub(crate) fn entry(&self, params: &[Param]) -> Option<Arc<str>> {
        let slot = |i: usize| match params.get(i) {
            Some(Param::I32(v)) => self.by_slot.get(&(*v as u32)),
            _ => None,
        };
        let first = slot(0)?;
        if first.contains("type_helper_wrapper") {
            return slot(1).or(Some(first)).cloned();
        }
        Some(first.clone())
    }
}

/// The function a body calls, if it calls exactly one (directly) and nothing indirectly.
fn only_call(body: &wasmparser::FunctionBody<'_>) -> Option<u32> {
    let mut callee = None;
    for op in body.get_operators_reader().ok()?.into_iter() {
        match op.ok()? {
            Operator::Call { function_index } if callee.is_none() => callee = Some(function_index),
            Operator::Call { .. } | Operator::CallIndirect { .. } => return None,
            _ => {}
        }
    }
    callee
}

/// The (slot, function index) pairs an active segment of table 0 puts in.
fn table_slots(element: &wasmparser::Element<'_>, out: &mut Vec<(u32, u32)>) {
    let ElementKind::Active {
        table_index,
        offset_expr,
    } = &element.kind
    else {
        return;
    };
    if table_index.unwrap_or(0) != 0 {
        return;
    }
    let Some(Ok(Operator::I32Const { value: start })) =
        offset_expr.get_operators_reader().into_iter().next()
    else {
        return;
    };
    let start = start as u32;
    match &element.items {
        ElementItems::Functions(funcs) => {
            for (i, func) in funcs.clone().into_iter().enumerate() {
                if let Ok(func) = func {
                    out.push((start + i as u32, func));
                }
            }
        }
        ElementItems::Expressions(_, exprs) => {
            for (i, expr) in exprs.clone().into_iter().enumerate() {
                let Ok(expr) = expr else { continue };
                if let Some(Ok(Operator::RefFunc { function_index })) =
                    expr.get_operators_reader().into_iter().next()
                {
                    out.push((start + i as u32, function_index));
                }
            }
        }
    }
}
