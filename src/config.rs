//! Process configuration: limits, permissions and the WASI sandbox a process gets.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How a process may run: its limits, its permissions and its sandbox.
///
/// A fresh config (`ProcessConfig::default()`, or `create_config` from a guest) denies every
/// permission and sets no limits; [`ProcessConfig::root`] grants all three permissions, as
/// `grain run` does for the root process. Children spawned with config id -1 inherit their
/// parent's config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessConfig {
    /// Maximum linear memory in bytes; `None` is the wasm32 limit of 4 GiB.
    pub max_memory: Option<u64>,
    /// Maximum fuel (1 fuel = 1 wasm instruction); `None` is unlimited. The guest ABI
    /// counts in lunatic's units and converts ([`crate::quantity::LUNATIC_FUEL_UNIT`]).
    pub max_fuel: Option<u64>,
    /// May the process compile new modules (`lunatic::process::compile_module`)?
    pub can_compile_modules: bool,
    /// May the process create new configs (`lunatic::process::create_config`)?
    pub can_create_configs: bool,
    /// May the process spawn processes?
    pub can_spawn_processes: bool,
    /// The WASI view of the world.
    pub wasi: WasiConfig,
}

impl ProcessConfig {
    /// A config with all three permissions, no limits and an empty sandbox.
    pub fn root() -> Self {
        ProcessConfig {
            can_compile_modules: true,
            can_create_configs: true,
            can_spawn_processes: true,
            ..ProcessConfig::default()
        }
    }

    /// The fuel budget (wasm instructions), if limited.
    pub fn fuel_limit(&self) -> Option<u64> {
        self.max_fuel
    }
}

/// Command line, environment and preopened directories of a process.
///
/// Nothing of the host leaks in by default: no directories and no environment variables
/// unless they are granted here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasiConfig {
    /// `argv`, including the program name in `args[0]`.
    pub args: Vec<String>,
    /// Environment variables.
    pub env: Vec<(String, String)>,
    /// Preopened directories.
    pub dirs: Vec<PreopenDir>,
}

/// A host directory made visible to the guest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreopenDir {
    /// The directory on the host.
    pub host: PathBuf,
    /// The path under which the guest sees it.
    pub guest: String,
}

impl PreopenDir {
    /// Grants `host`, seen by the guest under the same path.
    pub fn same_path(host: impl Into<PathBuf>) -> Self {
        let host = host.into();
        let guest = host.to_string_lossy().into_owned();
        PreopenDir { host, guest }
    }
}
