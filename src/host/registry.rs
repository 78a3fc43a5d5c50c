//! `lunatic::registry`: node-wide names for processes.

use wasmtime::Linker;

use super::{Caller, Result, mem};
use crate::Pid;
use crate::observe::EventKind;
use crate::process::ProcessState;

const NS: &str = "lunatic::registry";

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "put",
        |mut caller: Caller<'_>, ptr: u32, len: u32, _node: u64, pid: u64| -> Result<()> {
            let name = mem::read_str(&mut caller, "lunatic::registry::put", ptr, len)?;
            let rt = &caller.data().rt;
            // Registering a process that has already ended registers nothing: its name would
            // have been removed at its exit anyway.
            if let Some(cell) = rt.cell(Pid(pid)) {
                rt.register(&cell, &name);
            }
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "get",
        |mut caller: Caller<'_>, ptr: u32, len: u32, node_ptr: u32, pid_ptr: u32| -> Result<u32> {
            const F: &str = "lunatic::registry::get";
            let name = mem::read_str(&mut caller, F, ptr, len)?;
            let env = caller.data().cell.env.id;
            match caller.data().rt.registry.get_in(env, &name) {
                Some(pid) => {
                    mem::write_u64(&mut caller, F, node_ptr, 0)?;
                    mem::write_u64(&mut caller, F, pid_ptr, pid.id())?;
                    Ok(0)
                }
                None => Ok(1),
            }
        },
    )?;
    linker.func_wrap(
        NS,
        "remove",
        |mut caller: Caller<'_>, ptr: u32, len: u32| -> Result<()> {
            let name = mem::read_str(&mut caller, "lunatic::registry::remove", ptr, len)?;
            let rt = &caller.data().rt;
            if let Some(pid) = rt.registry.remove_in(caller.data().cell.env.id, &name) {
                rt.emit(pid, EventKind::Unregistered { name });
            }
            Ok(())
        },
    )?;
    Ok(())
}
