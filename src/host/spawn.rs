//! Spawning from a guest: shared by `lunatic::process::{spawn, get_or_spawn}` and
//! `lunatic::distributed::spawn` (node 0).

use std::sync::Arc;

use super::{Caller, Result, fail, mem};
use crate::module::Module;
use crate::process::{Param, ProcessCell, SpawnRequest};

/// The guest's spawn arguments, as pointers into its memory.
pub(crate) struct GuestSpawn {
    pub link: i64,
    pub config_id: i64,
    pub module: Module,
    pub func_ptr: u32,
    pub func_len: u32,
    pub params_ptr: u32,
    pub params_len: u32,
}

/// The module a guest names: -1 is its own, otherwise an id from its module resources.
pub(crate) fn resolve_module(caller: &Caller<'_>, func: &'static str, id: i64) -> Result<Module> {
    if id == -1 {
        return Ok(caller.data().module.clone());
    }
    caller
        .data()
        .modules
        .get(id as u64)
        .cloned()
        .ok_or_else(|| fail(func, format!("no module with id {id}")))
}

/// Spawns for a guest. `Ok(Err(message))` is an error the guest gets by id; `Err` traps it.
pub(crate) fn spawn(
    caller: &mut Caller<'_>,
    func: &'static str,
    args: GuestSpawn,
) -> Result<std::result::Result<Arc<ProcessCell>, String>> {
    let state = caller.data();
    if !state.config().can_spawn_processes {
        return Err(fail(
            func,
            "this process has no permission to spawn processes",
        ));
    }
    if !state.initialized {
        return Err(fail(func, "cannot spawn during module initialisation"));
    }
    let config = match args.config_id {
        -1 => state.cell.config.clone(),
        id => Arc::new(
            state
                .configs
                .get(id as u64)
                .cloned()
                .ok_or_else(|| fail(func, format!("no config with id {id}")))?,
        ),
    };
    let function = mem::read_str(caller, func, args.func_ptr, args.func_len)?;
    let raw = mem::read(caller, func, args.params_ptr, args.params_len)?;
    let params = Param::decode_lunatic(&raw).map_err(|e| fail(func, e))?;
    // Exact fuel for the child's start mark (`process::start_gate`).
    super::publish_fuel(caller);
    let state = caller.data();
    let link = (args.link != 0).then(|| (state.cell.clone(), Some(args.link)));
    let request = SpawnRequest {
        module: args.module,
        function,
        params,
        config,
        parent: Some(state.cell.pid),
        link,
        env: None,
    };
    Ok(state.rt.spawn(request).map_err(|e| e.to_string()))
}

/// Writes the outcome of a spawn the lunatic way: 0 and the pid, or 1 and an error id.
pub(crate) fn report(
    caller: &mut Caller<'_>,
    func: &'static str,
    outcome: std::result::Result<Arc<ProcessCell>, String>,
    id_ptr: u32,
) -> Result<u32> {
    let (code, value) = match outcome {
        Ok(cell) => (0, cell.pid.id()),
        Err(message) => (1, caller.data_mut().add_error(message)),
    };
    mem::write_u64(caller, func, id_ptr, value)?;
    Ok(code)
}
