//! TCP listeners and streams.

use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use wasmtime::Linker;

use super::{NS, TcpConnection, address_iterator, get, millis, report, socket_address, wait};
use crate::host::message::TIMEOUT;
use crate::host::{Caller, Result, fail, mem};
use crate::process::ProcessState;

fn stream(caller: &mut Caller<'_>, func: &'static str, id: u64) -> Result<Arc<TcpConnection>> {
    get(&caller.data_mut().net().tcp_streams, func, "TCP stream", id)
}

/// Gathers the bytes of a `ciovec` array (pairs of u32 pointer and length).
pub(crate) fn gather(
    caller: &Caller<'_>,
    func: &'static str,
    ptr: u32,
    len: u32,
) -> Result<Vec<u8>> {
    let table_len = len
        .checked_mul(8)
        .ok_or_else(|| fail(func, "too many buffers"))?;
    let table = mem::read(caller, func, ptr, table_len)?;
    let mut bytes = Vec::new();
    for entry in table.chunks_exact(8) {
        let p = u32::from_le_bytes(entry[..4].try_into().expect("4 bytes"));
        let l = u32::from_le_bytes(entry[4..].try_into().expect("4 bytes"));
        bytes.extend_from_slice(&mem::read(caller, func, p, l)?);
    }
    Ok(bytes)
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "tcp_bind",
        |mut caller: Caller<'_>,
         (ty, ptr, port, flow, scope, id_ptr): (u32, u32, u32, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_bind";
                let addr = socket_address(&caller, F, ty, ptr, port, flow, scope)?;
                let bound = tokio::net::TcpListener::bind(addr).await;
                let outcome = bound.map(|l| caller.data_mut().net().tcp_listeners.add(Arc::new(l)));
                report(&mut caller, F, id_ptr, outcome)
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "drop_tcp_listener",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .net()
                .tcp_listeners
                .remove(id)
                .map(drop)
                .ok_or_else(|| {
                    fail(
                        "lunatic::networking::drop_tcp_listener",
                        format!("no TCP listener with id {id}"),
                    )
                })
        },
    )?;
    linker.func_wrap(
        NS,
        "tcp_local_addr",
        |mut caller: Caller<'_>, id: u64, id_ptr: u32| -> Result<u32> {
            const F: &str = "lunatic::networking::tcp_local_addr";
            let listener = get(
                &caller.data_mut().net().tcp_listeners,
                F,
                "TCP listener",
                id,
            )?;
            let outcome = listener
                .local_addr()
                .map(|a| address_iterator(&mut caller, a));
            report(&mut caller, F, id_ptr, outcome)
        },
    )?;
    linker.func_wrap_async(
        NS,
        "tcp_accept",
        |mut caller: Caller<'_>, (id, id_ptr, addr_ptr): (u64, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_accept";
                let listener = get(
                    &caller.data_mut().net().tcp_listeners,
                    F,
                    "TCP listener",
                    id,
                )?;
                let accepted = wait(&mut caller, None, listener.accept())
                    .await
                    .expect("no timeout");
                match accepted {
                    Ok((stream, peer)) => {
                        let stream_id = caller
                            .data_mut()
                            .net()
                            .tcp_streams
                            .add(Arc::new(TcpConnection::new(stream)));
                        let peer_id = address_iterator(&mut caller, peer);
                        mem::write_u64(&mut caller, F, id_ptr, stream_id)?;
                        mem::write_u64(&mut caller, F, addr_ptr, peer_id)?;
                        Ok(0)
                    }
                    Err(e) => report(&mut caller, F, id_ptr, Err::<u64, _>(e)),
                }
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "tcp_connect",
        |mut caller: Caller<'_>,
         (ty, ptr, port, flow, scope, ms, id_ptr): (u32, u32, u32, u32, u32, u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_connect";
                let addr = socket_address(&caller, F, ty, ptr, port, flow, scope)?;
                let Some(connected) = wait(
                    &mut caller,
                    millis(ms),
                    tokio::net::TcpStream::connect(addr),
                )
                .await
                else {
                    return Ok(TIMEOUT);
                };
                let outcome = connected.map(|s| {
                    caller
                        .data_mut()
                        .net()
                        .tcp_streams
                        .add(Arc::new(TcpConnection::new(s)))
                });
                report(&mut caller, F, id_ptr, outcome)
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        "tcp_peer_addr",
        |mut caller: Caller<'_>, (id, id_ptr): (u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_peer_addr";
                let stream = stream(&mut caller, F, id)?;
                let peer = stream.writer.lock().await.peer_addr();
                let outcome = peer.map(|a| address_iterator(&mut caller, a));
                report(&mut caller, F, id_ptr, outcome)
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "drop_tcp_stream",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            caller
                .data_mut()
                .net()
                .tcp_streams
                .remove(id)
                .map(drop)
                .ok_or_else(|| {
                    fail(
                        "lunatic::networking::drop_tcp_stream",
                        format!("no TCP stream with id {id}"),
                    )
                })
        },
    )?;
    linker.func_wrap(
        NS,
        "clone_tcp_stream",
        |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            let stream = stream(&mut caller, "lunatic::networking::clone_tcp_stream", id)?;
            Ok(caller.data_mut().net().tcp_streams.add(stream))
        },
    )?;
    add_io(linker)?;
    add_timeouts(linker)
}

fn add_io(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "tcp_write_vectored",
        |mut caller: Caller<'_>, (id, iov, iov_len, opaque): (u64, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_write_vectored";
                let bytes = gather(&caller, F, iov, iov_len)?;
                let stream = stream(&mut caller, F, id)?;
                let write = async {
                    let mut writer = stream.writer.lock().await;
                    writer.write(&bytes).await.map(|n| n as u64)
                };
                match wait(&mut caller, stream.timeouts().write, write).await {
                    Some(outcome) => report(&mut caller, F, opaque, outcome),
                    None => Ok(TIMEOUT),
                }
            })
        },
    )?;
    for (name, peek) in [("tcp_read", false), ("tcp_peek", true)] {
        linker.func_wrap_async(
            NS,
            name,
            move |mut caller: Caller<'_>, (id, ptr, len, opaque): (u64, u32, u32, u32)| {
                Box::new(async move {
                    let f = if peek {
                        "lunatic::networking::tcp_peek"
                    } else {
                        "lunatic::networking::tcp_read"
                    };
                    mem::read(&caller, f, ptr, len)?; // the buffer must be in bounds before we wait
                    let stream = stream(&mut caller, f, id)?;
                    let mut buf = vec![0; len as usize];
                    let timeouts = stream.timeouts();
                    let read = async {
                        let mut reader = stream.reader.lock().await;
                        if peek {
                            reader.peek(&mut buf).await
                        } else {
                            tokio::io::AsyncReadExt::read(&mut *reader, &mut buf).await
                        }
                    };
                    let timeout = if peek { timeouts.peek } else { timeouts.read };
                    match wait(&mut caller, timeout, read).await {
                        Some(Ok(n)) => {
                            mem::write(&mut caller, f, ptr, &buf[..n])?;
                            report(&mut caller, f, opaque, Ok::<u64, std::io::Error>(n as u64))
                        }
                        Some(Err(e)) => report(&mut caller, f, opaque, Err::<u64, _>(e)),
                        None => Ok(TIMEOUT),
                    }
                })
            },
        )?;
    }
    linker.func_wrap_async(
        NS,
        "tcp_flush",
        |mut caller: Caller<'_>, (id, err_ptr): (u64, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_flush";
                let stream = stream(&mut caller, F, id)?;
                let flushed = stream.writer.lock().await.flush().await;
                match flushed {
                    Ok(()) => {
                        mem::write_u64(&mut caller, F, err_ptr, 0)?;
                        Ok(0)
                    }
                    Err(e) => report(&mut caller, F, err_ptr, Err::<u64, _>(e)),
                }
            })
        },
    )?;
    Ok(())
}

fn add_timeouts(linker: &mut Linker<ProcessState>) -> Result<()> {
    type Field = fn(&mut super::Timeouts) -> &mut Option<std::time::Duration>;
    let fields: [(&str, &str, Field); 3] = [
        ("set_read_timeout", "get_read_timeout", |t| &mut t.read),
        ("set_write_timeout", "get_write_timeout", |t| &mut t.write),
        ("set_peek_timeout", "get_peek_timeout", |t| &mut t.peek),
    ];
    for (set, get_name, field) in fields {
        linker.func_wrap(
            NS,
            set,
            move |mut caller: Caller<'_>, id: u64, ms: u64| -> Result<()> {
                let stream = stream(&mut caller, "lunatic::networking::set_timeout", id)?;
                *field(&mut stream.timeouts.lock().expect("timeouts lock")) = millis(ms);
                Ok(())
            },
        )?;
        linker.func_wrap(
            NS,
            get_name,
            move |mut caller: Caller<'_>, id: u64| -> Result<u64> {
                let stream = stream(&mut caller, "lunatic::networking::get_timeout", id)?;
                let t = *field(&mut stream.timeouts.lock().expect("timeouts lock"));
                Ok(t.map_or(u64::MAX, |d| d.as_millis() as u64))
            },
        )?;
    }
    Ok(())
}
