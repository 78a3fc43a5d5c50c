//! TLS over TCP with rustls (ring provider): listeners that hold their server configuration,
//! client connections that trust the certificates a guest passes (or the webpki roots when
//! it passes none), and streams that read and write like TCP streams.
//!
//! Where lunatic traps, grain reports an error the guest can handle: a listener with a bad
//! certificate or key fails to bind, and a failed handshake fails that `accept` or
//! `connect` only — a client sending garbage cannot kill a server process.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector, TlsStream};
use wasmtime::Linker;

use super::stream::{self, Connection, Kind, Names};
use super::{NS, Net, address_iterator, get, millis, report, socket_address, wait};
use crate::host::message::TIMEOUT;
use crate::host::{Caller, Result, fail, mem};
use crate::process::ProcessState;
use crate::resources::Resources;

/// A TLS stream (client or server side), shared by clones of its resource.
pub type TlsConnection =
    Connection<ReadHalf<TlsStream<TcpStream>>, WriteHalf<TlsStream<TcpStream>>>;

impl TlsConnection {
    fn new(stream: TlsStream<TcpStream>) -> Self {
        let (reader, writer) = tokio::io::split(stream);
        Connection::from_halves(reader, writer)
    }
}

/// A bound TCP listener with the server configuration its handshakes use.
pub(crate) struct TlsListener {
    listener: TcpListener,
    acceptor: TlsAcceptor,
}

/// TLS streams.
pub(crate) struct Tls;

impl Kind for Tls {
    type R = ReadHalf<TlsStream<TcpStream>>;
    type W = WriteHalf<TlsStream<TcpStream>>;
    const NAMES: Names = Names {
        what: "TLS stream",
        write: "lunatic::networking::tls_write_vectored",
        read: "lunatic::networking::tls_read",
        flush: "lunatic::networking::tls_flush",
        set_read: "lunatic::networking::set_tls_read_timeout",
        get_read: "lunatic::networking::get_tls_read_timeout",
        set_write: "lunatic::networking::set_tls_write_timeout",
        get_write: "lunatic::networking::get_tls_write_timeout",
    };
    fn table(net: &mut Net) -> &mut Resources<Arc<TlsConnection>> {
        &mut net.tls_streams
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn invalid(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
}

/// A server configuration from PEM text: the certificate chain and one private key.
fn server_config(certs: &[u8], key: &[u8]) -> std::io::Result<rustls::ServerConfig> {
    let chain = CertificateDer::pem_slice_iter(certs)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("the certificates are not valid PEM: {e}")))?;
    if chain.is_empty() {
        return Err(invalid("no certificate in the PEM text"));
    }
    let key = PrivateKeyDer::from_pem_slice(key)
        .map_err(|e| invalid(format!("no private key in the PEM text: {e}")))?;
    rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(invalid)
}

/// A client configuration trusting the certificates in `pems`, or the webpki roots.
fn client_config(pems: &[Vec<u8>]) -> std::io::Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    if pems.is_empty() {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for pem in pems {
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| invalid(format!("a certificate is not valid PEM: {e}")))?;
            roots.add(cert).map_err(invalid)?;
        }
    }
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The PEM texts of `tls_connect`'s certificate array. lunatic reads each 8-byte entry as
/// (pointer, length), while lunatic-rs writes a Rust tuple `(len, ptr)`; an entry is read
/// the first way when that yields PEM text, the other way otherwise.
fn certificates(
    caller: &mut Caller<'_>,
    func: &'static str,
    ptr: u32,
    len: u32,
) -> Result<Vec<Vec<u8>>> {
    let table_len = len
        .checked_mul(8)
        .ok_or_else(|| fail(func, "too many certificates"))?;
    let table = mem::read(caller, func, ptr, table_len)?;
    table
        .chunks_exact(8)
        .map(|entry| {
            let a = u32::from_le_bytes(entry[..4].try_into().expect("4 bytes"));
            let b = u32::from_le_bytes(entry[4..].try_into().expect("4 bytes"));
            match mem::read(caller, func, a, b) {
                Ok(pem) if pem.starts_with(b"-----BEGIN") => Ok(pem),
                _ => mem::read(caller, func, b, a),
            }
        })
        .collect()
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "tls_bind",
        |mut caller: Caller<'_>,
         (ty, ptr, port, flow, scope, id_ptr, certs, certs_len, keys, keys_len): (
            u32,
            u32,
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
                const F: &str = "lunatic::networking::tls_bind";
                let certs = mem::read(&mut caller, F, certs, certs_len)?;
                let keys = mem::read(&mut caller, F, keys, keys_len)?;
                let addr = socket_address(&mut caller, F, ty, ptr, port, flow, scope)?;
                let outcome = match server_config(&certs, &keys) {
                    Ok(config) => TcpListener::bind(addr).await.map(|listener| TlsListener {
                        listener,
                        acceptor: TlsAcceptor::from(Arc::new(config)),
                    }),
                    Err(e) => Err(e),
                };
                let outcome =
                    outcome.map(|l| caller.data_mut().net().tls_listeners.add(Arc::new(l)));
                report(&mut caller, F, id_ptr, outcome)
            })
        },
    )?;
    linker.func_wrap(
        NS,
        "drop_tls_listener",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            const F: &str = "lunatic::networking::drop_tls_listener";
            let listeners = &mut caller.data_mut().net().tls_listeners;
            listeners
                .remove(id)
                .map(drop)
                .ok_or_else(|| fail(F, format!("no TLS listener with id {id}")))
        },
    )?;
    linker.func_wrap(
        NS,
        "tls_local_addr",
        |mut caller: Caller<'_>, id: u64, id_ptr: u32| -> Result<u32> {
            const F: &str = "lunatic::networking::tls_local_addr";
            let listener = get(
                &caller.data_mut().net().tls_listeners,
                F,
                "TLS listener",
                id,
            )?;
            let outcome = listener
                .listener
                .local_addr()
                .map(|a| address_iterator(&mut caller, a));
            report(&mut caller, F, id_ptr, outcome)
        },
    )?;
    linker.func_wrap_async(
        NS,
        "tls_accept",
        |mut caller: Caller<'_>, (id, id_ptr, addr_ptr): (u64, u32, u32)| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tls_accept";
                let listener = get(
                    &caller.data_mut().net().tls_listeners,
                    F,
                    "TLS listener",
                    id,
                )?;
                let accept = async {
                    let (tcp, peer) = listener.listener.accept().await?;
                    let tls = listener.acceptor.accept(tcp).await?;
                    Ok::<_, std::io::Error>((TlsStream::Server(tls), peer))
                };
                match wait(&mut caller, None, accept).await.expect("no timeout") {
                    Ok((tls, peer)) => {
                        let net = caller.data_mut().net();
                        let stream_id = net.tls_streams.add(Arc::new(TlsConnection::new(tls)));
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
    add_connect(linker)?;
    add_stream_resources(linker)?;
    stream::add_to_linker::<Tls>(linker)
}

fn add_connect(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        "tls_connect",
        |mut caller: Caller<'_>,
         (host, host_len, port, ms, id_ptr, certs, certs_len): (
            u32,
            u32,
            u32,
            u64,
            u32,
            u32,
            u32,
        )| {
            Box::new(async move {
                const F: &str = "lunatic::networking::tls_connect";
                let host = String::from_utf8(mem::read(&mut caller, F, host, host_len)?)
                    .map_err(|_| fail(F, "the host name is not UTF-8"))?;
                let pems = certificates(&mut caller, F, certs, certs_len)?;
                let connect = async {
                    let config = client_config(&pems)?;
                    let name = ServerName::try_from(host.clone()).map_err(invalid)?;
                    let tcp = TcpStream::connect((host.as_str(), port as u16)).await?;
                    let tls = TlsConnector::from(Arc::new(config))
                        .connect(name, tcp)
                        .await?;
                    Ok::<_, std::io::Error>(TlsStream::Client(tls))
                };
                let Some(connected) = wait(&mut caller, millis(ms), connect).await else {
                    return Ok(TIMEOUT);
                };
                let outcome = connected.map(|tls| {
                    let net = caller.data_mut().net();
                    net.tls_streams.add(Arc::new(TlsConnection::new(tls)))
                });
                report(&mut caller, F, id_ptr, outcome)
            })
        },
    )?;
    Ok(())
}

fn add_stream_resources(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "drop_tls_stream",
        |mut caller: Caller<'_>, id: u64| -> Result<()> {
            const F: &str = "lunatic::networking::drop_tls_stream";
            let streams = &mut caller.data_mut().net().tls_streams;
            streams
                .remove(id)
                .map(drop)
                .ok_or_else(|| fail(F, format!("no TLS stream with id {id}")))
        },
    )?;
    linker.func_wrap(
        NS,
        "clone_tls_stream",
        |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            let stream =
                stream::stream::<Tls>(&mut caller, "lunatic::networking::clone_tls_stream", id)?;
            Ok(caller.data_mut().net().tls_streams.add(stream))
        },
    )?;
    Ok(())
}
