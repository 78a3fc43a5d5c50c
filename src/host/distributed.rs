//! `lunatic::distributed` with local meaning: grain is a single node, node 0.
//!
//! Even purely local lunatic-rs programs import these; sends and spawns addressed to node 0
//! work, anything addressed to another node is an error, and the certificate functions of
//! lunatic's distributed mode trap with a clear message.

use wasmtime::Linker;

use super::message::{deliver, take_outgoing};
use super::spawn::{GuestSpawn, report, spawn};
use super::{Caller, Result, fail, mem};
use crate::process::ProcessState;

const NS: &str = "lunatic::distributed";

fn local(func: &'static str, node: u64) -> Result<()> {
    if node == 0 {
        Ok(())
    } else {
        Err(fail(
            func,
            format!("no node {node}: grain runs a single node (node 0)"),
        ))
    }
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(NS, "nodes_count", || 0u32)?;
    linker.func_wrap(NS, "get_nodes", |_: u32, _: u32| 0u32)?;
    linker.func_wrap(NS, "node_id", || 0u64)?;
    linker.func_wrap(NS, "module_id", |caller: Caller<'_>| {
        caller.data().module.id()
    })?;
    linker.func_wrap(
        NS,
        "spawn",
        |mut caller: Caller<'_>,
         node: u64,
         config_id: i64,
         module_id: u64,
         func_ptr: u32,
         func_len: u32,
         params_ptr: u32,
         params_len: u32,
         id_ptr: u32|
         -> Result<u32> {
            const F: &str = "lunatic::distributed::spawn";
            local(F, node)?;
            let own = caller.data().module.clone();
            let module = if module_id == own.id() {
                own
            } else {
                let rt = &caller.data().rt;
                let found = rt
                    .modules
                    .lock()
                    .expect("modules lock")
                    .iter()
                    .find(|m| m.id() == module_id)
                    .cloned();
                found.ok_or_else(|| fail(F, format!("no module with id {module_id}")))?
            };
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
            report(&mut caller, F, outcome, id_ptr)
        },
    )?;
    linker.func_wrap(
        NS,
        "send",
        |mut caller: Caller<'_>, node: u64, pid: u64| -> Result<u32> {
            const F: &str = "lunatic::distributed::send";
            local(F, node)?;
            let message = take_outgoing(&mut caller, F)?;
            deliver(&mut caller, pid, message);
            Ok(0)
        },
    )?;
    linker.func_wrap_async(
        NS,
        "send_receive_skip_search",
        |mut caller: Caller<'_>, (node, pid, tag, ms): (u64, u64, i64, u64)| {
            Box::new(async move {
                const F: &str = "lunatic::distributed::send_receive_skip_search";
                local(F, node)?;
                super::message::send_receive(&mut caller, F, pid, tag, ms).await
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "exec_lookup_nodes",
        |mut caller: Caller<'_>,
         ptr: u32,
         len: u32,
         query_id_ptr: u32,
         nodes_len_ptr: u32,
         _err: u32|
         -> Result<u32> {
            const F: &str = "lunatic::distributed::exec_lookup_nodes";
            mem::read_str(&caller, F, ptr, len)?;
            mem::write_u64(&mut caller, F, query_id_ptr, 0)?;
            mem::write_u32(&mut caller, F, nodes_len_ptr, 0)?;
            Ok(0)
        },
    )?;
    linker.func_wrap(
        NS,
        "copy_lookup_nodes_results",
        |_: u64, _: u32, _: u32, _: u32| 0u32,
    )?;
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
                "certificates for distributed nodes are not available: grain runs a single node",
            ))
        })?;
    }
    Ok(())
}
