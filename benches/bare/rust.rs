//! What a lunatic-rs guest imports beyond the WAT workloads (the bench guest,
//! `examples/guests/src/bin/bench.rs`), each as little as it can be: its command-line
//! arguments, an empty environment, message tags, node and module ids. A sleep returns at
//! once (the floor has no timers: the guest sleeps only where the side-by-side script
//! reads memory, which the floor reads as the guest prints instead, see
//! [`World::print`]), and whatever else it imports traps (the floor never runs it).

use wasmtime::{Caller, Linker};

use super::host::write;
use super::*;

/// The lines at which [`Floor::main`] reads the resident set: the bench guest prints
/// `ready` before it spawns its parked processes and `parked` after.
pub const MARKS: [&str; 2] = ["ready", "parked"];

/// A guest's exit through WASI's `proc_exit`.
#[derive(Debug, thiserror::Error)]
#[error("the guest exited with status {0}")]
pub struct Exit(pub i32);

impl World {
    /// What a process wrote to stdout: kept, and the resident set read at a mark line.
    pub(super) fn print(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
        let Some(text) = self.out.strip_suffix(b"\n") else {
            return;
        };
        let line = text.rsplit(|&b| b == b'\n').next().unwrap_or_default();
        if let Some(mark) = MARKS.iter().find(|m| m.as_bytes() == line) {
            self.marks
                .push(((*mark).to_owned(), resident_bytes(), mappings()));
        }
    }
}

/// The command line as WASI's `args_get` lays it out: NUL-terminated strings.
fn argv(args: &[String]) -> Vec<u8> {
    args.iter()
        .flat_map(|a| a.bytes().chain(std::iter::once(0)))
        .collect()
}

/// Adds the lunatic-rs guest's imports to `l`.
pub(super) fn add(l: &mut Linker<Data>) -> Result<()> {
    const M: &str = "lunatic::message";
    l.func_wrap(M, "get_tag", |c: Caller<'_, Data>| {
        c.data().incoming.as_ref().map_or(0, |m| m.tag)
    })?;
    l.func_wrap(M, "get_process_id", |_: Caller<'_, Data>| 0i64)?;
    const D: &str = "lunatic::distributed";
    l.func_wrap(D, "node_id", |_: Caller<'_, Data>| 0i64)?;
    l.func_wrap(D, "module_id", |_: Caller<'_, Data>| 0i64)?;
    l.func_wrap(
        "lunatic::process",
        "sleep_ms",
        |_: Caller<'_, Data>, _: i64| {},
    )?;
    const W: &str = "wasi_snapshot_preview1";
    l.func_wrap(
        W,
        "args_sizes_get",
        |mut c: Caller<'_, Data>, count: i32, size: i32| -> Result<i32> {
            let args = with_world(|w| w.args.clone());
            write(&mut c, count, &(args.len() as u32).to_le_bytes())?;
            write(&mut c, size, &(argv(&args).len() as u32).to_le_bytes())?;
            Ok(0)
        },
    )?;
    l.func_wrap(
        W,
        "args_get",
        |mut c: Caller<'_, Data>, pointers: i32, buf: i32| -> Result<i32> {
            let args = with_world(|w| w.args.clone());
            let mut at = buf as u32;
            for (i, a) in args.iter().enumerate() {
                write(&mut c, pointers + 4 * i as i32, &at.to_le_bytes())?;
                at += a.len() as u32 + 1;
            }
            write(&mut c, buf, &argv(&args))?;
            Ok(0)
        },
    )?;
    l.func_wrap(
        W,
        "environ_sizes_get",
        |mut c: Caller<'_, Data>, count: i32, size: i32| -> Result<i32> {
            write(&mut c, count, &0u32.to_le_bytes())?;
            write(&mut c, size, &0u32.to_le_bytes())?;
            Ok(0)
        },
    )?;
    l.func_wrap(W, "environ_get", |_: Caller<'_, Data>, _: i32, _: i32| 0i32)?;
    l.func_wrap(
        W,
        "proc_exit",
        |_: Caller<'_, Data>, status: i32| -> Result<()> { Err(Exit(status).into()) },
    )?;
    Ok(())
}
