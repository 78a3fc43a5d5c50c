//! DNS resolution and the address iterators every other call returns addresses through.

use std::net::SocketAddr;

use wasmtime::Linker;

use super::{NS, millis, report, wait};
use crate::host::{Caller, Result, fail, mem};
use crate::process::ProcessState;

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "resolve",
        |mut caller: Caller<'_>, (ptr, len, ms, id_ptr): (u32, u32, u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::resolve";
                let name = mem::read_str(&mut caller, F, ptr, len)?;
                let lookup = tokio::net::lookup_host(name);
                let Some(found) = wait(&mut caller, millis(ms), lookup).await else {
                    return Ok(super::super::message::TIMEOUT);
                };
                let outcome = found.map(|addrs| {
                    let addrs: Vec<SocketAddr> = addrs.collect();
                    caller.data_mut().net().dns.add(addrs.into_iter())
                });
                report(&mut caller, F, id_ptr, outcome)
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "drop_dns_iterator",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .net()
                .dns
                .remove(id)
                .map(drop)
                .ok_or_else(|| {
                    fail(
                        "lunatic::networking::drop_dns_iterator",
                        format!("no DNS iterator with id {id}"),
                    )
                })
        },
    )?;
    linker.func_wrap(
        NS,
        "resolve_next",
        |mut caller: Caller<'_>,
         id: u64,
         type_ptr: u32,
         addr_ptr: u32,
         port_ptr: u32,
         flow_ptr: u32,
         scope_ptr: u32|
         -> Result<u32> {
            const F: &str = "lunatic::networking::resolve_next";
            let next = caller
                .data_mut()
                .net()
                .dns
                .get_mut(id)
                .ok_or_else(|| fail(F, format!("no DNS iterator with id {id}")))?
                .next();
            match next {
                None => Ok(1),
                Some(SocketAddr::V4(v4)) => {
                    mem::write_u32(&mut caller, F, type_ptr, 4)?;
                    mem::write(&mut caller, F, addr_ptr, &v4.ip().octets())?;
                    mem::write(&mut caller, F, port_ptr, &v4.port().to_le_bytes())?;
                    Ok(0)
                }
                Some(SocketAddr::V6(v6)) => {
                    mem::write_u32(&mut caller, F, type_ptr, 6)?;
                    mem::write(&mut caller, F, addr_ptr, &v6.ip().octets())?;
                    mem::write(&mut caller, F, port_ptr, &v6.port().to_le_bytes())?;
                    mem::write_u32(&mut caller, F, flow_ptr, v6.flowinfo())?;
                    mem::write_u32(&mut caller, F, scope_ptr, v6.scope_id())?;
                    Ok(0)
                }
            }
        },
    )?;
    Ok(())
}
