//! `lunatic::trap::catch`: run guest code and survive its trap.
//!
//! Wasm has no unwinding, so the guest jumps through the host: the host calls the guest's
//! `_lunatic_catch_trap(function, pointer)` export and returns 0 if it trapped. A
//! `proc_exit`, running out of fuel and hitting the memory limit are not caught: they are
//! the process's fate, not an error the guest can handle.

use wasmtime::{Linker, Val};

use super::{Caller, Result, fail};
use crate::exit::{ExitReason, TrapKind, classify};
use crate::process::ProcessState;

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        "lunatic::trap",
        "catch",
        |mut caller: Caller<'_>, (function, pointer): (i32, i32)| {
            Box::new(async move {
                const F: &str = "lunatic::trap::catch";
                let handler = caller
                    .get_export("_lunatic_catch_trap")
                    .and_then(|e| e.into_func())
                    .ok_or_else(|| fail(F, "the module exports no function _lunatic_catch_trap"))?;
                let mut result = [Val::I32(0)];
                let outcome = handler
                    .call_async(
                        &mut caller,
                        &[Val::I32(function), Val::I32(pointer)],
                        &mut result,
                    )
                    .await;
                match outcome {
                    Ok(()) => Ok(result[0].i32().unwrap_or(0)),
                    Err(error) => match classify(&error) {
                        ExitReason::Trap(t)
                            if !matches!(t.kind, TrapKind::OutOfFuel | TrapKind::MemoryLimit) =>
                        {
                            Ok(0)
                        }
                        _ => Err(error),
                    },
                }
            })
        },
    )?;
    Ok(())
}
