//! `lunatic::message::push_*` / `take_*` for sockets: a socket leaves the sender's resource
//! table when pushed into the scratch message and enters the receiver's when taken out.

use wasmtime::Linker;

use super::message::{data, push, take};
use super::net::Net;
use super::{Caller, Result, fail};
use crate::message::Resource;
use crate::process::ProcessState;
use crate::resources::Resources;

const NS: &str = "lunatic::message";

/// One kind of socket that travels in messages.
struct Passing<T> {
    push: &'static str,
    take: &'static str,
    what: &'static str,
    table: fn(&mut Net) -> &mut Resources<T>,
    wrap: fn(T) -> Resource,
    unwrap: fn(Resource) -> Option<T>,
}

fn short(full: &'static str) -> &'static str {
    full.rsplit("::").next().expect("a name")
}

fn add<T: Send + 'static>(linker: &mut Linker<ProcessState>, p: Passing<T>) -> Result<()> {
    let Passing {
        push: push_name,
        take: take_name,
        what,
        table,
        wrap,
        unwrap,
    } = p;
    linker.func_wrap(
        NS,
        short(push_name),
        move |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            data(&mut caller, push_name)?;
            let item = table(caller.data_mut().net())
                .remove(id)
                .ok_or_else(|| fail(push_name, format!("no {what} with id {id}")))?;
            push(&mut caller, push_name, wrap(item))
        },
    )?;
    linker.func_wrap(
        NS,
        short(take_name),
        move |mut caller: Caller<'_>, index: u64| -> Result<u64> {
            let item = unwrap(take(&mut caller, take_name, index)?).ok_or_else(|| {
                fail(
                    take_name,
                    format!("the resource at index {index} is not a {what}"),
                )
            })?;
            Ok(table(caller.data_mut().net()).add(item))
        },
    )?;
    Ok(())
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    add(
        linker,
        Passing {
            push: "lunatic::message::push_tcp_stream",
            take: "lunatic::message::take_tcp_stream",
            what: "TCP stream",
            table: |net| &mut net.tcp_streams,
            wrap: Resource::TcpStream,
            unwrap: |r| match r {
                Resource::TcpStream(s) => Some(s),
                _ => None,
            },
        },
    )?;
    add(
        linker,
        Passing {
            push: "lunatic::message::push_tls_stream",
            take: "lunatic::message::take_tls_stream",
            what: "TLS stream",
            table: |net| &mut net.tls_streams,
            wrap: Resource::TlsStream,
            unwrap: |r| match r {
                Resource::TlsStream(s) => Some(s),
                _ => None,
            },
        },
    )?;
    add(
        linker,
        Passing {
            push: "lunatic::message::push_udp_socket",
            take: "lunatic::message::take_udp_socket",
            what: "UDP socket",
            table: |net| &mut net.udp_sockets,
            wrap: Resource::UdpSocket,
            unwrap: |r| match r {
                Resource::UdpSocket(s) => Some(s),
                _ => None,
            },
        },
    )
}
