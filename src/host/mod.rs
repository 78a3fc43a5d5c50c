//! Host functions: the `lunatic::*` guest ABI, grain's own `grain::code`, and WASI preview 1. One file per namespace,
//! each with its own `add_to_linker`.
//!
//! Guest misuse (a bad pointer, an unknown resource id, invalid UTF-8, a missing permission)
//! returns a [`HostError`], which traps that process only; the host never panics on guest input.

mod code;
mod distributed;
mod error;
mod message;
mod metrics;
mod net;
mod passing;
mod process;
mod receive;
mod registry;
mod spawn;
mod sqlite;
mod timer;
mod trap;
mod version;
pub(crate) use version::ABI_VERSION;
mod wasi;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use wasmtime::{AsContextMut, Linker};

use crate::process::ProcessState;

pub(crate) use net::Net;
pub use net::{Connection, TcpConnection, TlsConnection};
pub(crate) use sqlite::Sqlite;

pub(crate) type Caller<'a> = wasmtime::Caller<'a, ProcessState>;
pub(crate) type Result<T> = wasmtime::Result<T>;

/// A host function refused a guest's call; the guest traps with this message.
#[derive(Debug, thiserror::Error)]
#[error("{func}: {reason}")]
pub struct HostError {
    /// The host function, e.g. `lunatic::message::write_data`.
    pub func: &'static str,
    /// What was wrong.
    pub reason: String,
}

/// A trap from host function `func`.
pub(crate) fn fail(func: &'static str, reason: impl Into<String>) -> wasmtime::Error {
    HostError {
        func,
        reason: reason.into(),
    }
    .into()
}

/// Waits for `fut` while answering memory inspections, which a parked process can serve at
/// once (see `Process::read_memory`). Parking is a good moment to publish exact fuel use.
/// A process that waited starts a fresh slice when it goes on (see [`fresh_slice`]).
///
/// A named future rather than an `async fn`: a parked process lives in it, and the state
/// machine of an `async fn` holds its future twice (as argument and as pinned local). A
/// future that is not `Unpin` is pinned by the caller (`tokio::pin!`) and passed pinned.
pub(crate) fn park<'c, 'a, F: Future + Unpin>(
    caller: &'c mut Caller<'a>,
    fut: F,
) -> Park<'c, 'a, F> {
    publish_fuel(caller);
    Park {
        caller,
        fut,
        waited: false,
    }
}

/// The future of [`park`].
pub(crate) struct Park<'c, 'a, F> {
    caller: &'c mut Caller<'a>,
    fut: F,
    /// Set once it returned `Pending`.
    waited: bool,
}

impl<F: Future + Unpin> Future for Park<'_, '_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        if let Poll::Ready(out) = Pin::new(&mut this.fut).poll(cx) {
            if this.waited {
                fresh_slice(this.caller);
            }
            return Poll::Ready(out);
        }
        this.waited = true;
        serve_inspections(this.caller, cx);
        Poll::Pending
    }
}

/// Gives a process that waited a slice of its own from now, as a scheduler gives a process
/// it picks: its epoch deadline, set when it last ran, would otherwise have passed while it
/// waited, and its first loop or call would yield at once. In a ring of a thousand
/// processes, where each waits about a tick between hops, that was a second trip through
/// the scheduler for most hops. Its slice still ends at the next tick.
fn fresh_slice(caller: &mut Caller<'_>) {
    caller.as_context_mut().set_epoch_deadline(1);
}

/// Answers the memory inspections waiting for a parked process, and leaves its task to be
/// woken by the next one.
fn serve_inspections(caller: &Caller<'_>, cx: &Context<'_>) {
    let state = caller.data();
    // Registered before the check, so a request arriving in between still wakes us.
    state.cell.inspector.wait(cx.waker());
    if state.initialized && state.cell.inspector.wanted() {
        let memory = state.memory.map(|m| m.data(caller));
        state.cell.inspector.serve(memory);
    }
}

/// Publishes the fuel a process has used (when it parks: a good moment for exact figures).
fn publish_fuel(caller: &Caller<'_>) {
    if let Ok(left) = caller.get_fuel() {
        let state = caller.data();
        state
            .cell
            .stats
            .set_fuel_used(state.fuel_start.saturating_sub(left));
    }
}

/// Links every host function into `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    process::add_to_linker(linker)?;
    code::add_to_linker(linker)?;
    message::add_to_linker(linker)?;
    registry::add_to_linker(linker)?;
    timer::add_to_linker(linker)?;
    trap::add_to_linker(linker)?;
    version::add_to_linker(linker)?;
    error::add_to_linker(linker)?;
    distributed::add_to_linker(linker)?;
    wasi::add_to_linker(linker)?;
    net::add_to_linker(linker)?;
    sqlite::add_to_linker(linker)?;
    metrics::add_to_linker(linker)?;
    wasmtime_wasi::p1::add_to_linker_async(linker, |state: &mut ProcessState| state.wasi())?;
    Ok(())
}

/// Guest memory access with bounds checks that trap instead of panicking.
pub(crate) mod mem {
    use super::{Caller, Result, fail};

    /// The guest's exported `memory`. It is known once instantiation ends; a call from the
    /// wasm start function (module init: AssemblyScript top-level code, Grain's start
    /// section) comes earlier, so it is looked up through the caller then and kept.
    fn memory(caller: &mut Caller<'_>, func: &'static str) -> Result<wasmtime::Memory> {
        if let Some(memory) = caller.data().memory {
            return Ok(memory);
        }
        let memory = caller
            .get_export("memory")
            .and_then(|e| e.into_memory())
            .ok_or_else(|| fail(func, "the module exports no memory named \"memory\""))?;
        caller.data_mut().memory = Some(memory);
        Ok(memory)
    }

    fn range(
        func: &'static str,
        ptr: u32,
        len: usize,
        size: usize,
    ) -> Result<std::ops::Range<usize>> {
        let start = ptr as usize;
        match start.checked_add(len) {
            Some(end) if end <= size => Ok(start..end),
            _ => Err(fail(
                func,
                format!(
                    "pointer {ptr:#x} with length {len} is outside the guest's memory ({size} bytes)"
                ),
            )),
        }
    }

    /// Copies `len` bytes at `ptr` out of guest memory.
    pub(crate) fn read(
        caller: &mut Caller<'_>,
        func: &'static str,
        ptr: u32,
        len: u32,
    ) -> Result<Vec<u8>> {
        let data = memory(caller, func)?.data(&*caller);
        let r = range(func, ptr, len as usize, data.len())?;
        Ok(data[r].to_vec())
    }

    /// Reads a UTF-8 string.
    pub(crate) fn read_str(
        caller: &mut Caller<'_>,
        func: &'static str,
        ptr: u32,
        len: u32,
    ) -> Result<String> {
        String::from_utf8(read(caller, func, ptr, len)?)
            .map_err(|_| fail(func, "the string is not valid UTF-8"))
    }

    /// Writes `bytes` at `ptr`.
    pub(crate) fn write(
        caller: &mut Caller<'_>,
        func: &'static str,
        ptr: u32,
        bytes: &[u8],
    ) -> Result<()> {
        let memory = memory(caller, func)?;
        let data = memory.data_mut(&mut *caller);
        let r = range(func, ptr, bytes.len(), data.len())?;
        data[r].copy_from_slice(bytes);
        Ok(())
    }

    /// Writes a little-endian u64 at `ptr`.
    pub(crate) fn write_u64(
        caller: &mut Caller<'_>,
        func: &'static str,
        ptr: u32,
        v: u64,
    ) -> Result<()> {
        write(caller, func, ptr, &v.to_le_bytes())
    }

    /// Writes a little-endian u32 at `ptr`.
    pub(crate) fn write_u32(
        caller: &mut Caller<'_>,
        func: &'static str,
        ptr: u32,
        v: u32,
    ) -> Result<()> {
        write(caller, func, ptr, &v.to_le_bytes())
    }

    /// Gives `f` mutable access to `len` bytes at `ptr` together with the process state.
    pub(crate) fn with_slice_mut<R>(
        caller: &mut Caller<'_>,
        func: &'static str,
        ptr: u32,
        len: u32,
        f: impl FnOnce(&mut [u8], &mut crate::process::ProcessState) -> Result<R>,
    ) -> Result<R> {
        let memory = memory(caller, func)?;
        let (data, state) = memory.data_and_store_mut(&mut *caller);
        let r = range(func, ptr, len as usize, data.len())?;
        f(&mut data[r], state)
    }
}
