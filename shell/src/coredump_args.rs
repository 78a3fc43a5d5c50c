//! `--coredump DIR` of `grain run`, `node`, `shell` and `observe`.

use std::path::PathBuf;

use grain::RuntimeConfig;

/// Where trapped processes leave their coredumps.
#[derive(clap::Args)]
pub struct CoredumpArgs {
    /// A process that traps leaves a standard wasm coredump in DIR (created if missing),
    /// named MODULE-NODE.N.coredump; `info` of the dead process names it. At most 32 per
    /// node.
    #[arg(long, value_name = "DIR")]
    pub coredump: Option<PathBuf>,
}

impl CoredumpArgs {
    /// Sets the runtime's coredump directory, creating it.
    pub fn apply(&self, config: &mut RuntimeConfig) -> anyhow::Result<()> {
        if let Some(dir) = &self.coredump {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("--coredump {}: {e}", dir.display()))?;
            config.coredump_dir = Some(dir.clone());
        }
        Ok(())
    }
}
