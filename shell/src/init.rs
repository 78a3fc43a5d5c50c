//! `grain init [DIR]`: make a lunatic-rs project run on grain with plain `cargo run` and
//! `cargo test`, by writing its `.cargo/config.toml` (target and runner).

use std::path::{Path, PathBuf};

/// What `grain init` writes.
pub const CONFIG: &str = r#"# Written by `grain init`: build for WASI and run (and test) with grain.
[build]
target = "wasm32-wasip1"

[target.wasm32-wasip1]
runner = "grain run"
"#;

/// Why `grain init` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The project already has a cargo config; grain does not overwrite it.
    #[error("{0} exists already; add this to it (or use --force to replace it):\n\n{CONFIG}")]
    Exists(PathBuf),
    /// Writing failed.
    #[error("cannot write {path}: {reason}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: std::io::Error,
    },
}

/// Writes `DIR/.cargo/config.toml`; returns its path.
///
/// # Errors
/// When the file exists (unless `force`) or cannot be written.
pub fn init(dir: &Path, force: bool) -> Result<PathBuf, InitError> {
    let path = dir.join(".cargo").join("config.toml");
    if path.exists() && !force {
        return Err(InitError::Exists(path));
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir.join(".cargo"))?;
        std::fs::write(&path, CONFIG)
    };
    write().map_err(|reason| InitError::Write {
        path: path.clone(),
        reason,
    })?;
    Ok(path)
}
