//! `lunatic::distributed`: nodes, remote spawn and send.
//!
//! Outside a cluster grain is node 0: `nodes()` is empty, and sends and spawns addressed
//! to node 0 work locally. In a cluster (`--nats`) the node's id is fresh at every start,
//! `nodes()` lists the live nodes (this one included) and spawn and send reach the others.
//! Where lunatic hangs (an unknown node, a dead node, a lost connection) grain returns the
//! ABI's error code: 1 no such process, 2 no such node (spawn: module problem), 9027
//! connection error or timeout. The certificate functions of lunatic's QUIC transport
//! trap with a clear message: grain's nodes meet through NATS.

use wasmtime::Linker;

use super::message::{TIMEOUT, deliver, take_outgoing, wait_reply};
use super::spawn::{GuestSpawn, report, spawn};
use super::{Caller, Result, fail, mem};
use crate::cluster::{Query, RemoteSpawn, SendOutcome};
use crate::observe::HostCall;
use crate::process::{Param, ProcessState};
use crate::{Pid, config::ProcessConfig, module::Module};

const NS: &str = "lunatic::distributed";

/// Is `node` this one (0 always is)?
fn here(caller: &Caller<'_>, node: u64) -> bool {
    node == 0 || node == caller.data().rt.config.node_id
}

fn code(outcome: SendOutcome) -> u32 {
    match outcome {
        SendOutcome::Sent => 0,
        SendOutcome::NoNode => 2,
        SendOutcome::Disconnected => TIMEOUT,
    }
}

/// The module a distributed spawn names: the caller's own, or one it loaded.
fn module(caller: &Caller<'_>, func: &'static str, id: u64) -> Result<Module> {
    let own = caller.data().module.clone();
    if id == own.id() {
        return Ok(own);
    }
    let found = caller.data().rt.versions.by_id(id);
    found.ok_or_else(|| fail(func, format!("no module with id {id}")))
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(NS, "nodes_count", |caller: Caller<'_>| {
        let rt = &caller.data().rt;
        rt.cluster().map_or(0, |c| c.live_nodes().len() as u32)
    })?;
    linker.func_wrap(
        NS,
        "get_nodes",
        |mut caller: Caller<'_>, ptr: u32, len: u32| -> Result<u32> {
            let nodes = caller
                .data()
                .rt
                .cluster()
                .map(|c| c.live_nodes())
                .unwrap_or_default();
            let n = nodes.len().min(len as usize);
            let bytes: Vec<u8> = nodes[..n].iter().flat_map(|id| id.to_le_bytes()).collect();
            mem::write(&mut caller, "lunatic::distributed::get_nodes", ptr, &bytes)?;
            Ok(n as u32)
        },
    )?;
    linker.func_wrap(NS, "node_id", |caller: Caller<'_>| {
        caller.data().rt.config.node_id
    })?;
    linker.func_wrap(NS, "module_id", |caller: Caller<'_>| {
        caller.data().module.id()
    })?;
    add_spawn(linker)?;
    add_send(linker)?;
    add_lookup(linker)?;
    for (name, params) in [
        ("test_root_cert", 1),
        ("default_server_certificates", 5),
        ("sign_node", 7),
    ] {
        let ty = wasmtime::FuncType::new(
            linker.engine(),
            vec![wasmtime::ValType::I32; params],
            [wasmtime::ValType::I32],
        );
        let full: &'static str = Box::leak(format!("{NS}::{name}").into_boxed_str());
        linker.func_new(NS, name, ty, move |_, _, _| {
            Err(fail(
                full,
                "grain's nodes meet through NATS: lunatic's node certificates do not exist here",
            ))
        })?;
    }
    Ok(())
}

type SpawnArgs = (u64, i64, u64, u32, u32, u32, u32, u32);

fn add_spawn(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(NS, "spawn", |mut caller: Caller<'_>, args: SpawnArgs| {
        Box::new(async move {
            const F: &str = "lunatic::distributed::spawn";
            let (node, config_id, module_id, func_ptr, func_len, params_ptr, params_len, id_ptr) =
                args;
            let module = module(&caller, F, module_id)?;
            if here(&caller, node) {
                let args = GuestSpawn {
                    link: 0,
                    config_id,
                    module,
                    func_ptr,
                    func_len,
                    params_ptr,
                    params_len,
                };
                let outcome = spawn(&mut caller, F, args)?;
                return report(&mut caller, F, outcome, id_ptr);
            }
            let state = caller.data();
            if !state.config().can_spawn_processes {
                return Err(fail(F, "this process has no permission to spawn processes"));
            }
            let config: ProcessConfig = match config_id {
                -1 => (*state.cell.config).clone(),
                id => state
                    .configs
                    .get(id as u64)
                    .cloned()
                    .ok_or_else(|| fail(F, format!("no config with id {id}")))?,
            };
            let function = mem::read_str(&mut caller, F, func_ptr, func_len)?;
            let raw = mem::read(&mut caller, F, params_ptr, params_len)?;
            let params = Param::decode_lunatic(&raw).map_err(|e| fail(F, e))?;
            let (rt, cell) = (caller.data().rt.clone(), caller.data().cell.clone());
            let Some(cluster) = rt.cluster().cloned() else {
                let id = caller
                    .data_mut()
                    .add_error(format!("no node {node}: this node is not in a cluster"));
                mem::write_u64(&mut caller, F, id_ptr, id)?;
                return Ok(1);
            };
            cell.park_in(HostCall::RemoteSpawn, rt.coarse_now_us());
            let spawned = Box::pin(async {
                cluster
                    .remote_spawn(RemoteSpawn {
                        node,
                        module: &module,
                        function: &function,
                        params: &params,
                        config: &config,
                        parent: Some(cell.pid),
                    })
                    .await
            });
            let spawned = super::park(&mut caller, spawned).await;
            cell.unpark();
            let (code, value) = match spawned {
                Ok(pid) => (0, pid.id()),
                Err(e) => (e.code(), caller.data_mut().add_error(e.to_string())),
            };
            mem::write_u64(&mut caller, F, id_ptr, value)?;
            Ok(code)
        })
    })?;
    Ok(())
}

fn add_send(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "send",
        |mut caller: Caller<'_>, node: u64, pid: u64| -> Result<u32> {
            const F: &str = "lunatic::distributed::send";
            let message = take_outgoing(&mut caller, F)?;
            if !here(&caller, node) && Pid(pid).node() != node {
                return Ok(1);
            }
            deliver(&mut caller, F, pid, message).map(code)
        },
    )?;
    linker.func_wrap_async(
        NS,
        "send_receive_skip_search",
        |mut caller: Caller<'_>, (node, pid, tag, ms): (u64, u64, i64, u64)| {
            Box::new(async move {
                const F: &str = "lunatic::distributed::send_receive_skip_search";
                if here(&caller, node) {
                    return super::message::send_receive(&mut caller, F, pid, tag, ms).await;
                }
                let message = take_outgoing(&mut caller, F)?;
                if Pid(pid).node() != node {
                    return Ok(1);
                }
                let rt = caller.data().rt.clone();
                let Some(peer) = rt.cluster().and_then(|c| c.peer(node)) else {
                    return Ok(2);
                };
                // Armed before the send: a node that dies meanwhile still wakes us.
                let down = peer.downs.notified();
                tokio::pin!(down);
                down.as_mut().enable();
                let mark = caller.data().cell.mailbox.mark();
                match deliver(&mut caller, F, pid, message)? {
                    SendOutcome::Sent => {}
                    other => return Ok(code(other)),
                }
                let got = tokio::select! {
                    code = wait_reply(&mut caller, tag, mark, ms) => code,
                    () = &mut down => TIMEOUT,
                };
                caller.data().cell.unpark();
                Ok(got)
            })
        },
    )?;
    Ok(())
}

fn add_lookup(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "exec_lookup_nodes",
        |mut caller: Caller<'_>,
         ptr: u32,
         len: u32,
         query_id_ptr: u32,
         nodes_len_ptr: u32,
         err_ptr: u32|
         -> Result<u32> {
            const F: &str = "lunatic::distributed::exec_lookup_nodes";
            let text = mem::read_str(&mut caller, F, ptr, len)?;
            let query = match text.parse::<Query>() {
                Ok(query) => query,
                Err(e) => {
                    let id = caller.data_mut().add_error(e.to_string());
                    mem::write_u64(&mut caller, F, err_ptr, id)?;
                    return Ok(1);
                }
            };
            let found = match caller.data().rt.cluster() {
                Some(cluster) => cluster.lookup(&query),
                None => Vec::new(),
            };
            let count = found.len() as u32;
            let id = caller.data_mut().lookups.add(found);
            mem::write_u64(&mut caller, F, query_id_ptr, id)?;
            mem::write_u32(&mut caller, F, nodes_len_ptr, count)?;
            Ok(0)
        },
    )?;
    linker.func_wrap(
        NS,
        "copy_lookup_nodes_results",
        |mut caller: Caller<'_>, id: u64, ptr: u32, len: u32, err_ptr: u32| -> Result<i32> {
            const F: &str = "lunatic::distributed::copy_lookup_nodes_results";
            let Some(found) = caller.data_mut().lookups.remove(id) else {
                let err = caller
                    .data_mut()
                    .add_error(format!("no lookup query with id {id}"));
                mem::write_u64(&mut caller, F, err_ptr, err)?;
                return Ok(-1);
            };
            let n = found.len().min(len as usize);
            let bytes: Vec<u8> = found[..n].iter().flat_map(|id| id.to_le_bytes()).collect();
            mem::write(&mut caller, F, ptr, &bytes)?;
            Ok(n as i32)
        },
    )?;
    Ok(())
}
