//! The sqlite calls whose results the guest allocates (with its `lunatic_alloc` export):
//! rows, columns, names and errors.

use wasmtime::{Linker, Val};

use super::wire::{self, SqlValue};
use super::{NS, Stmt, conn, stmt};
use crate::host::{Caller, Result, fail, mem};
use crate::process::ProcessState;

/// Hands `data` to the guest in memory it allocates; returns the pointer.
async fn to_guest(
    caller: &mut Caller<'_>,
    func: &'static str,
    data: &[u8],
    len_ptr: u32,
) -> Result<u32> {
    let alloc = caller
        .get_export("lunatic_alloc")
        .and_then(|e| e.into_func())
        .ok_or_else(|| fail(func, "the module exports no lunatic_alloc"))?;
    let mut out = [Val::I32(0)];
    alloc
        .call_async(&mut *caller, &[Val::I32(data.len() as i32)], &mut out)
        .await?;
    let ptr = out[0].i32().unwrap_or(0) as u32;
    mem::write(caller, func, ptr, data)?;
    mem::write_u32(caller, func, len_ptr, data.len() as u32)?;
    Ok(ptr)
}

/// The calls whose results the guest allocates.
pub(super) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    fn current(s: &Stmt, func: &'static str) -> Result<Vec<SqlValue>> {
        let row = s
            .cursor
            .checked_sub(1)
            .and_then(|i| s.rows.as_ref()?.get(i));
        row.cloned()
            .ok_or_else(|| fail(func, "no current row: step the statement first"))
    }
    linker.func_wrap_async(
        NS,
        "read_row",
        |mut caller: Caller<'_>, (id, len_ptr): (u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::sqlite::read_row";
                let row = current(stmt(&mut caller, F, id)?, F)?;
                to_guest(&mut caller, F, &wire::encode_row(&row), len_ptr).await
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "read_column",
        |mut caller: Caller<'_>, (id, col, len_ptr): (u64, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::sqlite::read_column";
                let row = current(stmt(&mut caller, F, id)?, F)?;
                let v = row
                    .get(col as usize)
                    .ok_or_else(|| fail(F, format!("no column {col}")))?;
                let mut bytes = Vec::new();
                wire::encode_value(v, &mut bytes);
                to_guest(&mut caller, F, &bytes, len_ptr).await
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "column_names",
        |mut caller: Caller<'_>, (id, len_ptr): (u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::sqlite::column_names";
                let names = wire::encode_strings(&stmt(&mut caller, F, id)?.columns);
                to_guest(&mut caller, F, &names, len_ptr).await
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "column_name",
        |mut caller: Caller<'_>, (id, col, len_ptr): (u64, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::sqlite::column_name";
                let name = stmt(&mut caller, F, id)?
                    .columns
                    .get(col as usize)
                    .cloned()
                    .ok_or_else(|| fail(F, format!("no column {col}")))?;
                to_guest(&mut caller, F, name.as_bytes(), len_ptr).await
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "last_error",
        |mut caller: Caller<'_>, (id, len_ptr): (u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::sqlite::last_error";
                let c = conn(&mut caller, F, id)?;
                let last = c.last_error.lock().expect("sqlite lock").clone();
                let bytes = match &last {
                    Some((code, message)) => wire::encode_error(Some(*code), Some(message)),
                    None => wire::encode_error(None, None),
                };
                to_guest(&mut caller, F, &bytes, len_ptr).await
            })
        },
    )?;
    Ok(())
}
