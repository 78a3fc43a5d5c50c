//! The control-socket flags shared by `grain run`, `grain shell` and `grain observe`.

use anyhow::Context;
use grain::Runtime;
use grain_shell::control::{ControlServer, Endpoint, serve};

/// Where a node listens for `--attach` (flattened into the subcommands' arguments).
#[derive(clap::Args, Debug, Default)]
pub struct ControlArgs {
    /// Let shells and observers attach: a Unix socket path (mode 0600) or
    /// tcp://HOST:PORT (clients need the token; it is printed, or taken from
    /// GRAIN_CONTROL_TOKEN).
    #[arg(long, value_name = "ADDR")]
    control: Option<String>,
    /// Let TCP clients change the node (spawn, kill, send...); by default they only look.
    #[arg(long, requires = "control")]
    control_allow_changes: bool,
}

impl ControlArgs {
    /// Was a control socket asked for?
    pub fn given(&self) -> bool {
        self.control.is_some()
    }

    /// Starts the control socket if one was asked for, and says where on stderr.
    pub async fn start(&self, rt: &Runtime) -> anyhow::Result<Option<ControlServer>> {
        let Some(addr) = &self.control else {
            return Ok(None);
        };
        let endpoint: Endpoint = addr.parse()?;
        let server = serve(
            rt.clone(),
            endpoint,
            std::env::var("GRAIN_CONTROL_TOKEN").ok(),
            self.control_allow_changes,
        )
        .await
        .with_context(|| format!("--control {addr}"))?;
        match &server.token {
            Some(token) => eprintln!("grain: control socket {} token {token}", server.endpoint),
            None => eprintln!("grain: control socket {}", server.endpoint),
        }
        Ok(Some(server))
    }
}

/// How a client reaches a node: `--attach ADDR` and its token.
pub fn attach_target(
    attach: &str,
    token: Option<String>,
) -> anyhow::Result<(Endpoint, Option<String>)> {
    let endpoint: Endpoint = attach.parse()?;
    Ok((
        endpoint,
        token.or_else(|| std::env::var("GRAIN_CONTROL_TOKEN").ok()),
    ))
}
