//! `lunatic::process`: modules, configs, spawning, links, monitors, kill.

use std::sync::atomic::Ordering;

use wasmtime::Linker;

use super::spawn::{GuestSpawn, report, resolve_module, spawn};
use super::{Caller, Result, fail, mem};
use crate::Pid;
use crate::config::ProcessConfig;
use crate::observe::{EventKind, HostCall};
use crate::process::{KilledItself, ProcessState};

const NS: &str = "lunatic::process";

fn config<'a>(
    caller: &'a mut Caller<'_>,
    func: &'static str,
    id: u64,
) -> Result<&'a mut ProcessConfig> {
    caller
        .data_mut()
        .configs
        .get_mut(id)
        .ok_or_else(|| fail(func, format!("no config with id {id}")))
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    add_modules_and_configs(linker)?;
    add_permissions(linker)?;
    add_spawning(linker)?;
    add_relations(linker)?;
    Ok(())
}

fn add_modules_and_configs(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "compile_module",
        |mut caller: Caller<'_>, (ptr, len, id_ptr): (u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::process::compile_module";
                if !caller.data().config().can_compile_modules {
                    return Ok(-1);
                }
                let bytes = mem::read(&mut caller, F, ptr, len)?;
                let rt = caller.data().rt.clone();
                let cell = caller.data().cell.clone();
                cell.park_in(HostCall::CompileModule, rt.now_us());
                // Compiling is CPU-heavy: keep it off the scheduler's worker threads.
                let compiled =
                    tokio::task::spawn_blocking(move || rt.compile("compiled", &bytes)).await;
                cell.unpark();
                let compiled =
                    compiled.map_err(|e| fail(F, format!("compilation task failed: {e}")))?;
                let (code, id) = match compiled {
                    Ok(module) => (0, caller.data_mut().modules.add(module)),
                    Err(e) => (1, caller.data_mut().add_error(e.to_string())),
                };
                mem::write_u64(&mut caller, F, id_ptr, id)?;
                Ok(code)
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "drop_module",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .modules
                .remove(id)
                .map(drop)
                .ok_or_else(|| {
                    fail(
                        "lunatic::process::drop_module",
                        format!("no module with id {id}"),
                    )
                })
        },
    )?;
    linker.func_wrap(NS, "create_config", |mut caller: Caller<'_>| -> i64 {
        if !caller.data().config().can_create_configs {
            return -1;
        }
        caller.data_mut().configs.add(ProcessConfig::default()) as i64
    })?;
    linker.func_wrap(
        NS,
        "drop_config",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .configs
                .remove(id)
                .map(drop)
                .ok_or_else(|| {
                    fail(
                        "lunatic::process::drop_config",
                        format!("no config with id {id}"),
                    )
                })
        },
    )?;
    linker.func_wrap(
        NS,
        "config_set_max_memory",
        |mut caller: Caller<'_>, id: u64, max: u64| -> Result<()> {
            config(&mut caller, "lunatic::process::config_set_max_memory", id)?.max_memory =
                Some(max);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "config_get_max_memory",
        |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            let c = config(&mut caller, "lunatic::process::config_get_max_memory", id)?;
            Ok(c.max_memory.unwrap_or(4 << 30))
        },
    )?;
    linker.func_wrap(
        NS,
        "config_set_max_fuel",
        |mut caller: Caller<'_>, id: u64, max: u64| -> Result<()> {
            config(&mut caller, "lunatic::process::config_set_max_fuel", id)?.max_fuel =
                crate::quantity::fuel_from_lunatic_units(max);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "config_get_max_fuel",
        |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            let c = config(&mut caller, "lunatic::process::config_get_max_fuel", id)?;
            Ok(crate::quantity::fuel_to_lunatic_units(c.max_fuel))
        },
    )?;
    Ok(())
}

macro_rules! permission {
    ($linker:expr, $get:literal, $set:literal, $field:ident) => {
        $linker.func_wrap(NS, $get, |mut caller: Caller<'_>, id: u64| -> Result<u32> {
            Ok(config(&mut caller, concat!("lunatic::process::", $get), id)?.$field as u32)
        })?;
        $linker.func_wrap(
            NS,
            $set,
            |mut caller: Caller<'_>, id: u64, can: u32| -> Result<()> {
                config(&mut caller, concat!("lunatic::process::", $set), id)?.$field = can != 0;
                Ok(())
            },
        )?;
    };
}

fn add_permissions(linker: &mut Linker<ProcessState>) -> Result<()> {
    permission!(
        linker,
        "config_can_compile_modules",
        "config_set_can_compile_modules",
        can_compile_modules
    );
    permission!(
        linker,
        "config_can_create_configs",
        "config_set_can_create_configs",
        can_create_configs
    );
    permission!(
        linker,
        "config_can_spawn_processes",
        "config_set_can_spawn_processes",
        can_spawn_processes
    );
    Ok(())
}

fn add_spawning(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "spawn",
        |mut caller: Caller<'_>,
         link: i64,
         config_id: i64,
         module_id: i64,
         func_ptr: u32,
         func_len: u32,
         params_ptr: u32,
         params_len: u32,
         id_ptr: u32|
         -> Result<u32> {
            const F: &str = "lunatic::process::spawn";
            let module = resolve_module(&caller, F, module_id)?;
            let args = GuestSpawn {
                link,
                config_id,
                module,
                func_ptr,
                func_len,
                params_ptr,
                params_len,
            };
            let outcome = spawn(&mut caller, F, args)?;
            report(&mut caller, F, outcome, id_ptr)
        },
    )?;
    linker.func_wrap(
        NS,
        "get_or_spawn",
        |mut caller: Caller<'_>,
         name_ptr: u32,
         name_len: u32,
         link: i64,
         config_id: i64,
         module_id: i64,
         func_ptr: u32,
         func_len: u32,
         params_ptr: u32,
         params_len: u32,
         node_id_ptr: u32,
         id_ptr: u32|
         -> Result<u32> {
            const F: &str = "lunatic::process::get_or_spawn";
            let name = mem::read_str(&mut caller, F, name_ptr, name_len)?;
            let module = resolve_module(&caller, F, module_id)?;
            let rt = caller.data().rt.clone();
            // The registry stays locked from the look-up until the new process is registered,
            // so concurrent callers spawn exactly once.
            let env = caller.data().cell.env.id;
            let mut names = rt.registry.lock();
            if let Some(pid) = names.get(&(env, name.clone())).copied() {
                drop(names);
                mem::write_u64(&mut caller, F, node_id_ptr, 0)?;
                mem::write_u64(&mut caller, F, id_ptr, pid.id())?;
                return Ok(2);
            }
            let args = GuestSpawn {
                link,
                config_id,
                module,
                func_ptr,
                func_len,
                params_ptr,
                params_len,
            };
            let outcome = spawn(&mut caller, F, args)?;
            if let Ok(cell) = &outcome {
                names.insert((env, name.clone()), cell.pid);
                cell.registered.store(true, Ordering::Relaxed);
                drop(names);
                rt.emit(cell.pid, EventKind::Registered { name });
            } else {
                drop(names);
            }
            mem::write_u64(&mut caller, F, node_id_ptr, 0)?;
            report(&mut caller, F, outcome, id_ptr)
        },
    )?;
    linker.func_wrap_async(
        NS,
        "sleep_ms",
        |mut caller: Caller<'_>, (millis,): (u64,)| {
            Box::new(async move {
                let cell = caller.data().cell.clone();
                cell.park_in(HostCall::Sleep, caller.data().rt.coarse_now_us());
                let sleep = tokio::time::sleep(std::time::Duration::from_millis(millis));
                tokio::pin!(sleep);
                super::park(&mut caller, sleep).await;
                cell.unpark();
            })
        },
    )?;
    Ok(())
}

fn add_relations(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(NS, "die_when_link_dies", |caller: Caller<'_>, trap: u32| {
        caller
            .data()
            .cell
            .die_when_link_dies
            .store(trap != 0, Ordering::Relaxed);
    })?;
    linker.func_wrap(NS, "process_id", |caller: Caller<'_>| {
        caller.data().cell.pid.id()
    })?;
    linker.func_wrap(NS, "environment_id", |caller: Caller<'_>| {
        caller.data().cell.env.id
    })?;
    linker.func_wrap(NS, "link", |caller: Caller<'_>, tag: i64, pid: u64| {
        let state = caller.data();
        let tag = (tag != 0).then_some(tag);
        state.rt.link_pid(&state.cell, Pid(pid), tag);
    })?;
    linker.func_wrap(NS, "unlink", |caller: Caller<'_>, pid: u64| {
        let state = caller.data();
        state.rt.unlink(&state.cell, Pid(pid));
    })?;
    linker.func_wrap(NS, "monitor", |caller: Caller<'_>, pid: u64| {
        let state = caller.data();
        state.rt.monitor(&state.cell, Pid(pid));
    })?;
    linker.func_wrap(NS, "stop_monitoring", |caller: Caller<'_>, pid: u64| {
        let state = caller.data();
        state.rt.demonitor(&state.cell, Pid(pid));
    })?;
    linker.func_wrap(NS, "kill", |caller: Caller<'_>, pid: u64| -> Result<()> {
        if pid == caller.data().cell.pid.id() {
            return Err(KilledItself.into());
        }
        let state = caller.data();
        state.rt.kill_pid(state.cell.pid, Pid(pid));
        Ok(())
    })?;
    linker.func_wrap_async(NS, "exists", |caller: Caller<'_>, (pid,): (u64,)| {
        Box::new(async move {
            let rt = caller.data().rt.clone();
            let pid = Pid(pid);
            if rt.is_local(pid) {
                return rt.processes.contains_key(&pid) as u32;
            }
            // Another node's process: its node answers (a node that does not, has none).
            match rt.cluster() {
                Some(cluster) => cluster.exists(pid).await as u32,
                None => 0,
            }
        })
    })?;
    Ok(())
}
