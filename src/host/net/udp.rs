//! UDP sockets.

use std::sync::Arc;

use tokio::net::UdpSocket;
use wasmtime::Linker;

use super::{NS, address_iterator, get, millis, report, socket_address, wait};
use crate::host::message::TIMEOUT;
use crate::host::{Caller, Result, fail, mem};
use crate::process::ProcessState;

fn socket(caller: &mut Caller<'_>, func: &'static str, id: u64) -> Result<Arc<UdpSocket>> {
    get(&caller.data_mut().net().udp_sockets, func, "UDP socket", id)
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "udp_bind",
        |mut caller: Caller<'_>,
         (ty, ptr, port, flow, scope, id_ptr): (u32, u32, u32, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::udp_bind";
                let addr = socket_address(&mut caller, F, ty, ptr, port, flow, scope)?;
                let bound = UdpSocket::bind(addr).await;
                let outcome = bound.map(|s| caller.data_mut().net().udp_sockets.add(Arc::new(s)));
                report(&mut caller, F, id_ptr, outcome)
            })
        },
    )?;
    for (name, peer) in [("udp_local_addr", false), ("udp_peer_addr", true)] {
        linker.func_wrap(
            NS,
            name,
            move |mut caller: Caller<'_>, id: u64, id_ptr: u32| -> Result<u32> {
                let f = if peer {
                    "lunatic::networking::udp_peer_addr"
                } else {
                    "lunatic::networking::udp_local_addr"
                };
                let s = socket(&mut caller, f, id)?;
                let addr = if peer { s.peer_addr() } else { s.local_addr() };
                let outcome = addr.map(|a| address_iterator(&mut caller, a));
                report(&mut caller, f, id_ptr, outcome)
            },
        )?;
    }
    linker.func_wrap(
        NS,
        "drop_udp_socket",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .net()
                .udp_sockets
                .remove(id)
                .map(drop)
                .ok_or_else(|| {
                    fail(
                        "lunatic::networking::drop_udp_socket",
                        format!("no UDP socket with id {id}"),
                    )
                })
        },
    )?;
    linker.func_wrap(
        NS,
        "clone_udp_socket",
        |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            let s = socket(&mut caller, "lunatic::networking::clone_udp_socket", id)?;
            Ok(caller.data_mut().net().udp_sockets.add(s))
        },
    )?;
    linker.func_wrap_async(
        NS,
        "udp_receive",
        |mut caller: Caller<'_>, (id, ptr, len, opaque): (u64, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::udp_receive";
                mem::read(&mut caller, F, ptr, len)?;
                let s = socket(&mut caller, F, id)?;
                let mut buf = vec![0; len as usize];
                match wait(&mut caller, None, s.recv(&mut buf))
                    .await
                    .expect("no timeout")
                {
                    Ok(n) => {
                        mem::write(&mut caller, F, ptr, &buf[..n])?;
                        report(&mut caller, F, opaque, Ok::<u64, std::io::Error>(n as u64))
                    }
                    Err(e) => report(&mut caller, F, opaque, Err::<u64, _>(e)),
                }
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "udp_receive_from",
        |mut caller: Caller<'_>, (id, ptr, len, opaque, addr_ptr): (u64, u32, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::udp_receive_from";
                mem::read(&mut caller, F, ptr, len)?;
                let s = socket(&mut caller, F, id)?;
                let mut buf = vec![0; len as usize];
                match wait(&mut caller, None, s.recv_from(&mut buf))
                    .await
                    .expect("no timeout")
                {
                    Ok((n, from)) => {
                        mem::write(&mut caller, F, ptr, &buf[..n])?;
                        let from = address_iterator(&mut caller, from);
                        mem::write_u64(&mut caller, F, addr_ptr, from)?;
                        report(&mut caller, F, opaque, Ok::<u64, std::io::Error>(n as u64))
                    }
                    Err(e) => report(&mut caller, F, opaque, Err::<u64, _>(e)),
                }
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "udp_connect",
        |mut caller: Caller<'_>, (id, ty, ptr, port, flow, scope, ms, id_ptr): (u64, u32, u32, u32, u32, u32, u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::udp_connect";
                let addr = socket_address(&mut caller, F, ty, ptr, port, flow, scope)?;
                let s = socket(&mut caller, F, id)?;
                match wait(&mut caller, millis(ms), s.connect(addr)).await {
                    Some(outcome) => report(&mut caller, F, id_ptr, outcome.map(|()| 0)),
                    None => Ok(TIMEOUT),
                }
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "udp_send_to",
        |mut caller: Caller<'_>,
         (id, ptr, len, ty, addr_ptr, port, flow, scope, opaque): (
            u64,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
            u32,
        )| {
            Box::new(async move {
                const F: &str = "lunatic::networking::udp_send_to";
                let addr = socket_address(&mut caller, F, ty, addr_ptr, port, flow, scope)?;
                let bytes = mem::read(&mut caller, F, ptr, len)?;
                let s = socket(&mut caller, F, id)?;
                let sent = wait(&mut caller, None, s.send_to(&bytes, addr))
                    .await
                    .expect("no timeout");
                report(&mut caller, F, opaque, sent.map(|n| n as u64))
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "udp_send",
        |mut caller: Caller<'_>, (id, ptr, len, opaque): (u64, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::udp_send";
                let bytes = mem::read(&mut caller, F, ptr, len)?;
                let s = socket(&mut caller, F, id)?;
                let sent = wait(&mut caller, None, s.send(&bytes))
                    .await
                    .expect("no timeout");
                report(&mut caller, F, opaque, sent.map(|n| n as u64))
            })
        },
    )?;
    add_options(linker)
}

fn add_options(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "set_udp_socket_broadcast",
        |mut caller: Caller<'_>, id: u64, on: u32| -> Result<()> {
            const F: &str = "lunatic::networking::set_udp_socket_broadcast";
            socket(&mut caller, F, id)?
                .set_broadcast(on != 0)
                .map_err(|e| fail(F, e.to_string()))
        },
    )?;
    linker.func_wrap(
        NS,
        "get_udp_socket_broadcast",
        |mut caller: Caller<'_>, id: u64| -> Result<i32> {
            const F: &str = "lunatic::networking::get_udp_socket_broadcast";
            socket(&mut caller, F, id)?
                .broadcast()
                .map(i32::from)
                .map_err(|e| fail(F, e.to_string()))
        },
    )?;
    linker.func_wrap(
        NS,
        "set_udp_socket_ttl",
        |mut caller: Caller<'_>, id: u64, ttl: u32| -> Result<()> {
            const F: &str = "lunatic::networking::set_udp_socket_ttl";
            socket(&mut caller, F, id)?
                .set_ttl(ttl)
                .map_err(|e| fail(F, e.to_string()))
        },
    )?;
    linker.func_wrap(
        NS,
        "get_udp_socket_ttl",
        |mut caller: Caller<'_>, id: u64| -> Result<u32> {
            const F: &str = "lunatic::networking::get_udp_socket_ttl";
            socket(&mut caller, F, id)?
                .ttl()
                .map_err(|e| fail(F, e.to_string()))
        },
    )?;
    Ok(())
}
