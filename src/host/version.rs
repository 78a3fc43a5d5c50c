//! `lunatic::version`: the version of the lunatic ABI grain implements (0.13.2).

use wasmtime::Linker;

use super::Result;
use crate::process::ProcessState;

/// The lunatic release whose host ABI grain implements.
pub const ABI_VERSION: (u32, u32, u32) = (0, 13, 2);

pub(crate) fn add_to_linker(linker: &mut Linker<ProcessState>) -> Result<()> {
    linker.func_wrap("lunatic::version", "major", || ABI_VERSION.0)?;
    linker.func_wrap("lunatic::version", "minor", || ABI_VERSION.1)?;
    linker.func_wrap("lunatic::version", "patch", || ABI_VERSION.2)?;
    Ok(())
}
