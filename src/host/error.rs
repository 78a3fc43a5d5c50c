//! `lunatic::error`: errors handed to the guest by id.

use wasmtime::Linker;

use super::{Caller, Result, fail, mem};
use crate::process::ProcessState;

fn message<'a>(caller: &'a Caller<'_>, func: &'static str, id: u64) -> Result<&'a String> {
    caller
        .data()
        .errors
        .get(id)
        .ok_or_else(|| fail(func, format!("no error with id {id}")))
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        "lunatic::error",
        "string_size",
        |caller: Caller<'_>, id: u64| -> Result<u32> {
            Ok(message(&caller, "lunatic::error::string_size", id)?.len() as u32)
        },
    )?;
    linker.func_wrap(
        "lunatic::error",
        "to_string",
        |mut caller: Caller<'_>, id: u64, ptr: u32| -> Result<()> {
            const F: &str = "lunatic::error::to_string";
            let text = message(&caller, F, id)?.clone();
            mem::write(&mut caller, F, ptr, text.as_bytes())
        },
    )?;
    linker.func_wrap(
        "lunatic::error",
        "drop",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .errors
                .remove(id)
                .map(drop)
                .ok_or_else(|| fail("lunatic::error::drop", format!("no error with id {id}")))
        },
    )?;
    Ok(())
}
