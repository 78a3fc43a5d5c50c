//! The log flags shared by `grain run`, `grain shell` and `grain node`.

use std::path::PathBuf;

use anyhow::Context;
use grain::Runtime;
use grain::log::{EventLog, LogConfig, LogFormat};

/// Where the node logs what matters (flattened into the subcommands' arguments).
#[derive(clap::Args, Debug, Default)]
pub struct LogArgs {
    /// Log every trap, abnormal exit, restart, give-up, limit hit and node up or down, one
    /// line each: `stderr`, or a file (appended to). `--log-format` alone logs on stderr.
    #[arg(long, value_name = "stderr|FILE")]
    log: Option<PathBuf>,
    /// The log's lines: `text` or `json` (one object a line).
    #[arg(long, value_name = "FORMAT")]
    log_format: Option<Format>,
    /// The most log lines of each kind a second; beyond it one line says how many similar
    /// lines were suppressed. 0 for no limit.
    #[arg(long, value_name = "N", default_value_t = LogConfig::default().per_second)]
    log_rate: u32,
}

/// `--log-format`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum Format {
    Text,
    Json,
}

impl LogArgs {
    /// Starts the log if one was asked for (inside the tokio runtime).
    pub fn start(&self, rt: &Runtime) -> anyhow::Result<Option<EventLog>> {
        if self.log.is_none() && self.log_format.is_none() {
            return Ok(None);
        }
        let out: Box<dyn std::io::Write + Send> = match &self.log {
            Some(path) if path.as_os_str() != "stderr" && path.as_os_str() != "-" => Box::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .with_context(|| format!("--log {}", path.display()))?,
            ),
            _ => Box::new(std::io::stderr()),
        };
        let config = LogConfig {
            format: match self.log_format {
                Some(Format::Json) => LogFormat::Json,
                _ => LogFormat::Text,
            },
            per_second: self.log_rate,
        };
        Ok(Some(EventLog::start(rt, out, config)))
    }
}
