//! `lunatic::wasi`: the WASI sandbox of configs a guest creates for its children.
//!
//! A guest can only pass on what it has: a directory it preopens for a child must lie inside
//! one of its own preopened directories.

use std::path::{Path, PathBuf};

use wasmtime::Linker;

use super::{Caller, Result, fail, mem};
use crate::config::{PreopenDir, ProcessConfig};
use crate::process::ProcessState;

const NS: &str = "lunatic::wasi";

fn config<'a>(
    caller: &'a mut Caller<'_>,
    func: &'static str,
    id: u64,
) -> Result<&'a mut ProcessConfig> {
    caller
        .data_mut()
        .configs
        .get_mut(id)
        .ok_or_else(|| fail(func, format!("no config with id {id}")))
}

/// Is `path` inside one of the directories granted to this process?
pub(crate) fn granted(own: &ProcessConfig, path: &Path) -> Option<PathBuf> {
    let path = path.canonicalize().ok()?;
    own.wasi
        .dirs
        .iter()
        .filter_map(|d| d.host.canonicalize().ok())
        .any(|dir| path.starts_with(dir))
        .then_some(path)
}

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap(
        NS,
        "config_add_environment_variable",
        |mut caller: Caller<'_>,
         id: u64,
         kptr: u32,
         klen: u32,
         vptr: u32,
         vlen: u32|
         -> Result<()> {
            const F: &str = "lunatic::wasi::config_add_environment_variable";
            let key = mem::read_str(&mut caller, F, kptr, klen)?;
            let value = mem::read_str(&mut caller, F, vptr, vlen)?;
            config(&mut caller, F, id)?.wasi.env.push((key, value));
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "config_add_command_line_argument",
        |mut caller: Caller<'_>, id: u64, ptr: u32, len: u32| -> Result<()> {
            const F: &str = "lunatic::wasi::config_add_command_line_argument";
            let arg = mem::read_str(&mut caller, F, ptr, len)?;
            config(&mut caller, F, id)?.wasi.args.push(arg);
            Ok(())
        },
    )?;
    linker.func_wrap(
        NS,
        "config_preopen_dir",
        |mut caller: Caller<'_>, id: u64, ptr: u32, len: u32| -> Result<()> {
            const F: &str = "lunatic::wasi::config_preopen_dir";
            let dir = mem::read_str(&mut caller, F, ptr, len)?;
            let host = granted(caller.data().config(), Path::new(&dir)).ok_or_else(|| {
                fail(
                    F,
                    format!("{dir:?} is not inside a directory this process was granted"),
                )
            })?;
            config(&mut caller, F, id)?
                .wasi
                .dirs
                .push(PreopenDir { host, guest: dir });
            Ok(())
        },
    )?;
    Ok(())
}
