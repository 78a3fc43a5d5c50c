//! The web observer's flags, shared by `grain run`, `grain shell` and `grain observe`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use grain::Runtime;
use grain_tui::web::{Control, Feed, WebConfig, WebServer, serve};

/// Where the web observer listens (flattened into the subcommands' arguments).
#[derive(clap::Args, Debug, Default)]
pub struct WebArgs {
    /// Serve the web observer (the observer's pages in a browser, live) at http://ADDR,
    /// e.g. `--web 127.0.0.1:0` (port 0 picks one); the link, with its token, is printed on
    /// stderr.
    #[arg(long, value_name = "ADDR")]
    pub web: Option<SocketAddr>,
    /// Let the web observer's pages kill processes (after a confirm). Off by default: a
    /// page only looks. Attached, the node's control policy must allow changes too.
    #[arg(long, requires = "web")]
    pub web_allow_changes: bool,
}

impl WebArgs {
    /// Was the web observer asked for?
    pub fn given(&self) -> bool {
        self.web.is_some()
    }

    /// Serves this process's runtime if asked (inside the tokio runtime).
    pub async fn start_local(
        &self,
        rt: &Runtime,
        title: &str,
    ) -> anyhow::Result<Option<WebServer>> {
        if self.web.is_none() {
            return Ok(None);
        }
        let control = Arc::new(grain_shell::web::LocalControl::new(rt.clone()));
        self.start(rt.observe(), control, title, true).await
    }

    /// Serves the node whose updates `feed` brings if asked; `node_allows` is what the
    /// node's own policy lets this observer change.
    pub async fn start(
        &self,
        feed: impl Feed,
        control: Arc<dyn Control>,
        title: &str,
        node_allows: bool,
    ) -> anyhow::Result<Option<WebServer>> {
        let Some(addr) = self.web else {
            return Ok(None);
        };
        if self.web_allow_changes && !node_allows {
            eprintln!(
                "grain: the node lets this connection only look (a TCP control socket without --control-allow-changes): the web observer stays look-only"
            );
        }
        let token = std::env::var("GRAIN_WEB_TOKEN")
            .ok()
            .filter(|t| !t.is_empty());
        if let Some(t) = &token {
            anyhow::ensure!(
                t.len() >= 16
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)),
                "GRAIN_WEB_TOKEN: at least 16 letters, digits, - or _ (it goes in a link and a cookie)"
            );
        }
        let config = WebConfig {
            title: title.to_owned(),
            can_change: self.web_allow_changes && node_allows,
            token,
        };
        let server = serve(addr, config, feed, control)
            .await
            .with_context(|| format!("--web {addr}"))?;
        eprintln!("grain: web observer: {}", server.url());
        if server.public() {
            eprintln!(
                "grain: the web observer listens beyond this machine over plain HTTP: its token travels in clear (keep it on loopback, or behind a tunnel)"
            );
        }
        Ok(Some(server))
    }
}
