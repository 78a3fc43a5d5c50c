//! The system monitor's flags (`--alert-*`) of `grain run`, `node`, `shell` and `observe`.

use grain::RuntimeConfig;
use grain::monitor::AlertConfig;
use grain::quantity::{parse_bytes, parse_duration};

/// What the system monitor alerts on (flattened into the subcommands' arguments). Each
/// takes `off`.
#[derive(clap::Args, Debug, Default)]
pub struct AlertArgs {
    /// Alert when a mailbox holds more messages than N (10000).
    #[arg(long, value_name = "N|off")]
    alert_mailbox: Option<String>,
    /// Alert when a process holds more memory than SIZE (256MiB).
    #[arg(long, value_name = "SIZE|off")]
    alert_memory: Option<String>,
    /// Alert when a supervisor restarts N children within T (10/5s).
    #[arg(long, value_name = "N/T|off")]
    alert_restarts: Option<String>,
    /// Alert when a process is blocked in a host call (network, compile, remote spawn;
    /// not a receive or a sleep) longer than T (10s).
    #[arg(long, value_name = "T|off")]
    alert_host_call: Option<String>,
}

fn off_or<T>(
    text: &Option<String>,
    flag: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> anyhow::Result<Option<Option<T>>> {
    match text.as_deref() {
        None => Ok(None),
        Some("off") => Ok(Some(None)),
        Some(t) => parse(t)
            .map(|v| Some(Some(v)))
            .ok_or_else(|| anyhow::anyhow!("--{flag} {t}: not a value or `off`")),
    }
}

impl AlertArgs {
    /// The monitor's settings: the defaults, changed by the flags given.
    pub fn config(&self) -> anyhow::Result<AlertConfig> {
        let mut a = AlertConfig::default();
        if let Some(v) = off_or(&self.alert_mailbox, "alert-mailbox", |t| t.parse().ok())? {
            a.mailbox = v;
        }
        if let Some(v) = off_or(&self.alert_memory, "alert-memory", |t| parse_bytes(t).ok())? {
            a.memory = v;
        }
        if let Some(v) = off_or(&self.alert_restarts, "alert-restarts", |t| {
            let (n, window) = t.split_once('/')?;
            Some((n.parse().ok()?, parse_duration(window).ok()?))
        })? {
            a.restarts = v;
        }
        if let Some(v) = off_or(&self.alert_host_call, "alert-host-call", |t| {
            parse_duration(t).ok()
        })? {
            a.host_call = v;
        }
        Ok(a)
    }

    /// Sets the runtime's alerts.
    pub fn apply(&self, config: &mut RuntimeConfig) -> anyhow::Result<()> {
        config.alerts = self.config()?;
        Ok(())
    }
}
