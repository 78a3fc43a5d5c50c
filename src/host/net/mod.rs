//! `lunatic::networking`: DNS, TCP, TLS and UDP on tokio, non-blocking for the scheduler.
//!
//! Sockets are per-process resources (u64 ids) that can be moved to another process inside
//! a message. Addresses handed back to the guest (peer, local, resolved) come as DNS
//! iterators, as in lunatic. Calls that wait park the process (it stays inspectable) and
//! honour the socket's timeouts, returning 9027 when one expires.

mod dns;
mod stream;
mod tcp;
mod tls;
mod udp;

pub use stream::Connection;
pub use tcp::TcpConnection;
pub use tls::TlsConnection;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::Arc;
use std::time::Duration;

use wasmtime::Linker;

use super::{Caller, Result, fail, mem};
use crate::observe::HostCall;
use crate::process::ProcessState;
use crate::resources::Resources;

pub(crate) const NS: &str = "lunatic::networking";

/// The networking resources of one process, created on first use.
#[derive(Default)]
pub(crate) struct Net {
    pub tcp_listeners: Resources<Arc<tokio::net::TcpListener>>,
    pub tcp_streams: Resources<Arc<TcpConnection>>,
    pub tls_listeners: Resources<Arc<tls::TlsListener>>,
    pub tls_streams: Resources<Arc<TlsConnection>>,
    pub udp_sockets: Resources<Arc<tokio::net::UdpSocket>>,
    pub dns: Resources<std::vec::IntoIter<SocketAddr>>,
}

impl ProcessState {
    pub(crate) fn net(&mut self) -> &mut Net {
        self.net.get_or_insert_with(Default::default)
    }
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    dns::add_to_linker(linker)?;
    tcp::add_to_linker(linker)?;
    tls::add_to_linker(linker)?;
    udp::add_to_linker(linker)?;
    Ok(())
}

/// A socket address from lunatic's (type, bytes, port, flow info, scope id) arguments.
pub(crate) fn socket_address(
    caller: &mut Caller<'_>,
    func: &'static str,
    addr_type: u32,
    ptr: u32,
    port: u32,
    flow_info: u32,
    scope_id: u32,
) -> Result<SocketAddr> {
    match addr_type {
        4 => {
            let b: [u8; 4] = mem::read(caller, func, ptr, 4)?
                .try_into()
                .expect("4 bytes");
            Ok(SocketAddrV4::new(Ipv4Addr::from(b), port as u16).into())
        }
        6 => {
            let b: [u8; 16] = mem::read(caller, func, ptr, 16)?
                .try_into()
                .expect("16 bytes");
            Ok(SocketAddrV6::new(Ipv6Addr::from(b), port as u16, flow_info, scope_id).into())
        }
        other => Err(fail(
            func,
            format!("address type {other} is neither 4 nor 6"),
        )),
    }
}

/// Writes `Ok(value)` or an error id at `ptr` and returns lunatic's 0 / 1.
pub(crate) fn report<E: std::fmt::Display>(
    caller: &mut Caller<'_>,
    func: &'static str,
    ptr: u32,
    outcome: std::result::Result<u64, E>,
) -> Result<u32> {
    let (value, code) = match outcome {
        Ok(value) => (value, 0),
        Err(e) => (caller.data_mut().add_error(e.to_string()), 1),
    };
    mem::write_u64(caller, func, ptr, value)?;
    Ok(code)
}

/// Hands an address to the guest as a one-address DNS iterator.
pub(crate) fn address_iterator(caller: &mut Caller<'_>, addr: SocketAddr) -> u64 {
    caller.data_mut().net().dns.add(vec![addr].into_iter())
}

/// Waits for `fut` (with an optional timeout) while parked; `None` on timeout.
pub(crate) async fn wait<F: std::future::Future>(
    caller: &mut Caller<'_>,
    timeout: Option<Duration>,
    fut: F,
) -> Option<F::Output> {
    let cell = caller.data().cell.clone();
    cell.park_in(HostCall::Network, caller.data().rt.now_us());
    let out = match timeout {
        None => {
            tokio::pin!(fut);
            Some(super::park(caller, fut).await)
        }
        Some(t) => {
            let fut = tokio::time::timeout(t, fut);
            tokio::pin!(fut);
            super::park(caller, fut).await.ok()
        }
    };
    cell.unpark();
    out
}

/// A lunatic timeout argument: `u64::MAX` is none.
pub(crate) fn millis(ms: u64) -> Option<Duration> {
    (ms != u64::MAX).then(|| Duration::from_millis(ms))
}

/// A resource by id, or a trap naming the function.
pub(crate) fn get<T: Clone>(
    table: &Resources<T>,
    func: &'static str,
    what: &str,
    id: u64,
) -> Result<T> {
    table
        .get(id)
        .cloned()
        .ok_or_else(|| fail(func, format!("no {what} with id {id}")))
}
