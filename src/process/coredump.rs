//! Coredumps: with `RuntimeConfig::coredump_dir`, a process that traps leaves a standard
//! wasm coredump (the tool-conventions format, written by wasmtime) in that directory, and
//! its exit record names the file. A node writes at most [`MAX_COREDUMPS`], so a crash storm
//! cannot fill the disk.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use wasmtime::Store;

use super::{ProcessCell, ProcessState};
use crate::runtime::RuntimeInner;

/// The most coredumps one node writes.
pub const MAX_COREDUMPS: usize = 32;

/// Writes the coredump `error` carries, if the node keeps them; the file's path, or why not.
pub(crate) fn save(
    rt: &RuntimeInner,
    cell: &ProcessCell,
    error: &wasmtime::Error,
    store: &mut Store<ProcessState>,
) {
    let Some(dir) = &rt.config.coredump_dir else {
        return;
    };
    let Some(dump) = error.downcast_ref::<wasmtime::WasmCoreDump>() else {
        return;
    };
    if rt.coredumps.fetch_add(1, Ordering::Relaxed) >= MAX_COREDUMPS {
        if rt.coredumps.load(Ordering::Relaxed) == MAX_COREDUMPS + 1 {
            tracing::warn!("{MAX_COREDUMPS} coredumps written: no more on this node");
        }
        return;
    }
    let pid = cell.pid;
    let name = format!("{}-{}.{}", cell.module_name(), pid.node(), pid.local());
    let path: PathBuf = dir.join(format!("{name}.coredump"));
    let bytes = dump.serialize(&mut *store, &name);
    match std::fs::write(&path, bytes) {
        Ok(()) => {
            let _ = cell.coredump.set(path);
        }
        Err(e) => tracing::warn!("cannot write {}: {e}", path.display()),
    }
}
