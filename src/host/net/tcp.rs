//! TCP listeners and streams.

use std::sync::Arc;

use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use wasmtime::Linker;

use super::stream::{self, Connection, Kind, Names};
use super::{NS, Net, address_iterator, get, millis, report, socket_address, wait};
use crate::host::message::TIMEOUT;
use crate::host::{Caller, Result, fail, mem};
use crate::process::ProcessState;
use crate::resources::Resources;

/// A TCP connection, shared by clones of its resource.
pub type TcpConnection = Connection<OwnedReadHalf, OwnedWriteHalf>;

impl TcpConnection {
    pub(crate) fn new(stream: tokio::net::TcpStream) -> Self {
        let (reader, writer) = stream.into_split();
        Connection::from_halves(reader, writer)
    }
}

/// Plain TCP streams.
pub(crate) struct Tcp;

impl Kind for Tcp {
    type R = OwnedReadHalf;
    type W = OwnedWriteHalf;
    const NAMES: Names = Names {
        what: "TCP stream",
        write: "lunatic::networking::tcp_write_vectored",
        read: "lunatic::networking::tcp_read",
        flush: "lunatic::networking::tcp_flush",
        set_read: "lunatic::networking::set_read_timeout",
        get_read: "lunatic::networking::get_read_timeout",
        set_write: "lunatic::networking::set_write_timeout",
        get_write: "lunatic::networking::get_write_timeout",
    };
    fn table(net: &mut Net) -> &mut Resources<Arc<TcpConnection>> {
        &mut net.tcp_streams
    }
}

fn stream(caller: &mut Caller<'_>, func: &'static str, id: u64) -> Result<Arc<TcpConnection>> {
    stream::stream::<Tcp>(caller, func, id)
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "tcp_bind",
        |mut caller: Caller<'_>,
         (ty, ptr, port, flow, scope, id_ptr): (u32, u32, u32, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_bind";
                let addr = socket_address(&mut caller, F, ty, ptr, port, flow, scope)?;
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
                let addr = socket_address(&mut caller, F, ty, ptr, port, flow, scope)?;
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
    add_peek(linker)?;
    stream::add_to_linker::<Tcp>(linker)
}

/// `tcp_peek` and its timeout: reads without consuming, TCP only.
fn add_peek(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "tcp_peek",
        |mut caller: Caller<'_>, (id, ptr, len, opaque): (u64, u32, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tcp_peek";
                mem::read(&mut caller, F, ptr, len)?; // the buffer must be in bounds before we wait
                let stream = stream(&mut caller, F, id)?;
                let mut buf = vec![0; len as usize];
                let peek = async { stream.reader.lock().await.peek(&mut buf).await };
                match wait(&mut caller, stream.timeouts().peek, peek).await {
                    Some(Ok(n)) => {
                        mem::write(&mut caller, F, ptr, &buf[..n])?;
                        report(&mut caller, F, opaque, Ok::<u64, std::io::Error>(n as u64))
                    }
                    Some(Err(e)) => report(&mut caller, F, opaque, Err::<u64, _>(e)),
                    None => Ok(TIMEOUT),
                }
            })
        },
    )?;
    stream::add_timeout::<Tcp>(
        linker,
        "lunatic::networking::set_peek_timeout",
        "lunatic::networking::get_peek_timeout",
        |t| &mut t.peek,
    )
}
