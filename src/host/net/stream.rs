//! What TCP and TLS streams share: a connection split into a reader and a writer (so one
//! process can read while a clone writes), timeouts shared by every clone, and the host
//! functions that read, write, flush and set timeouts. Each kind names its own functions.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use wasmtime::Linker;

use super::{NS, Net, get, millis, report, wait};
use crate::host::message::TIMEOUT;
use crate::host::{Caller, Result, fail, mem};
use crate::process::ProcessState;
use crate::resources::Resources;

/// A byte stream shared by clones of its resource: TCP, or TLS over TCP.
pub struct Connection<R, W> {
    pub(crate) reader: tokio::sync::Mutex<R>,
    pub(crate) writer: tokio::sync::Mutex<W>,
    pub(crate) timeouts: Mutex<Timeouts>,
}

/// Read, write and peek timeouts of a stream (`None` = wait forever).
#[derive(Default, Clone, Copy)]
pub(crate) struct Timeouts {
    pub read: Option<Duration>,
    pub write: Option<Duration>,
    pub peek: Option<Duration>,
}

impl<R, W> Connection<R, W> {
    /// A connection from its two halves.
    pub(crate) fn from_halves(reader: R, writer: W) -> Self {
        Connection {
            reader: tokio::sync::Mutex::new(reader),
            writer: tokio::sync::Mutex::new(writer),
            timeouts: Mutex::new(Timeouts::default()),
        }
    }

    pub(crate) fn timeouts(&self) -> Timeouts {
        *self.timeouts.lock().expect("timeouts lock")
    }
}

/// The full names of one stream kind's host functions (the part after the last `::` is the
/// name the guest imports).
pub(crate) struct Names {
    pub what: &'static str,
    pub write: &'static str,
    pub read: &'static str,
    pub flush: &'static str,
    pub set_read: &'static str,
    pub get_read: &'static str,
    pub set_write: &'static str,
    pub get_write: &'static str,
}

/// A kind of stream: its halves, its resource table and its function names.
pub(crate) trait Kind: 'static {
    type R: AsyncRead + Unpin + Send + 'static;
    type W: AsyncWrite + Unpin + Send + 'static;
    const NAMES: Names;
    fn table(net: &mut Net) -> &mut Resources<Arc<Connection<Self::R, Self::W>>>;
}

fn short(full: &'static str) -> &'static str {
    full.rsplit("::").next().expect("a name")
}

/// The stream with this id, or a trap naming the function.
pub(crate) fn stream<K: Kind>(
    caller: &mut Caller<'_>,
    func: &'static str,
    id: u64,
) -> Result<Arc<Connection<K::R, K::W>>> {
    get(K::table(caller.data_mut().net()), func, K::NAMES.what, id)
}

/// Gathers the bytes of a `ciovec` array (pairs of u32 pointer and length).
pub(crate) fn gather(
    caller: &mut Caller<'_>,
    func: &'static str,
    ptr: u32,
    len: u32,
) -> Result<Vec<Vec<u8>>> {
    let table_len = len
        .checked_mul(8)
        .ok_or_else(|| fail(func, "too many buffers"))?;
    let table = mem::read(caller, func, ptr, table_len)?;
    table
        .chunks_exact(8)
        .map(|entry| {
            let p = u32::from_le_bytes(entry[..4].try_into().expect("4 bytes"));
            let l = u32::from_le_bytes(entry[4..].try_into().expect("4 bytes"));
            mem::read(caller, func, p, l)
        })
        .collect()
}

/// Links read, write, flush and the read/write timeouts of stream kind `K`.
pub(crate) fn add_to_linker<K: Kind>(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap_async(
        NS,
        short(K::NAMES.write),
        |mut caller: Caller<'_>, (id, iov, iov_len, opaque): (u64, u32, u32, u32)| {
            Box::new(async move {
                let f = K::NAMES.write;
                let bytes = gather(&mut caller, f, iov, iov_len)?.concat();
                let stream = stream::<K>(&mut caller, f, id)?;
                let write = async {
                    let mut writer = stream.writer.lock().await;
                    writer.write(&bytes).await.map(|n| n as u64)
                };
                match wait(&mut caller, stream.timeouts().write, write).await {
                    Some(outcome) => report(&mut caller, f, opaque, outcome),
                    None => Ok(TIMEOUT),
                }
            })
        },
    )?;
    linker.func_wrap_async(
        NS,
        short(K::NAMES.read),
        |mut caller: Caller<'_>, (id, ptr, len, opaque): (u64, u32, u32, u32)| {
            Box::new(async move {
                let f = K::NAMES.read;
                mem::read(&mut caller, f, ptr, len)?; // the buffer must be in bounds before we wait
                let stream = stream::<K>(&mut caller, f, id)?;
                let mut buf = vec![0; len as usize];
                let read = async { stream.reader.lock().await.read(&mut buf).await };
                match wait(&mut caller, stream.timeouts().read, read).await {
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
    linker.func_wrap_async(
        NS,
        short(K::NAMES.flush),
        |mut caller: Caller<'_>, (id, err_ptr): (u64, u32)| {
            Box::new(async move {
                let f = K::NAMES.flush;
                let stream = stream::<K>(&mut caller, f, id)?;
                let flushed = stream.writer.lock().await.flush().await;
                match flushed {
                    Ok(()) => {
                        mem::write_u64(&mut caller, f, err_ptr, 0)?;
                        Ok(0)
                    }
                    Err(e) => report(&mut caller, f, err_ptr, Err::<u64, _>(e)),
                }
            })
        },
    )?;
    add_timeout::<K>(linker, K::NAMES.set_read, K::NAMES.get_read, |t| {
        &mut t.read
    })?;
    add_timeout::<K>(linker, K::NAMES.set_write, K::NAMES.get_write, |t| {
        &mut t.write
    })
}

/// Which timeout of a stream a pair of functions sets and gets.
pub(crate) type Field = fn(&mut Timeouts) -> &mut Option<Duration>;

/// Links a setter and a getter of one timeout of stream kind `K`.
pub(crate) fn add_timeout<K: Kind>(
    linker: &mut Linker<ProcessState>,
    set: &'static str,
    get_name: &'static str,
    field: Field,
) -> Result<()> {
    linker.func_wrap(
        NS,
        short(set),
        move |mut caller: Caller<'_>, id: u64, ms: u64| -> Result<()> {
            let stream = stream::<K>(&mut caller, set, id)?;
            *field(&mut stream.timeouts.lock().expect("timeouts lock")) = millis(ms);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        short(get_name),
        move |mut caller: Caller<'_>, id: u64| -> Result<u64> {
            let stream = stream::<K>(&mut caller, get_name, id)?;
            let t = *field(&mut stream.timeouts.lock().expect("timeouts lock"));
            Ok(t.map_or(u64::MAX, |d| d.as_millis() as u64))
        },
    )?;
    Ok(())
}
