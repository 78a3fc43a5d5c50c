//! The web observer: the terminal observer's pages in a browser, live over a websocket.
//!
//! One task (the [hub](Feed)) folds the node's updates — a snapshot, then deltas — into the
//! same [`Table`](crate::Table) the terminal observer draws. Each browser connection keeps
//! its own view (the page, its sort, filter and page of rows) and, at its own bounded rate,
//! sends only that window, and of it only the rows that changed since its last frame: the
//! latest state wins, a slow browser only delays its own frames, and the node never waits.
//!
//! Security: every request needs the server's token. The link printed at start
//! (`/?token=...`) sets it as an `HttpOnly; SameSite=Strict` cookie; a request without it
//! gets 401 (403 for a wrong token). The websocket also checks `Origin` against the served
//! origin (any web page may open a websocket to loopback), and on a loopback address every
//! request's `Host` must be a loopback name (DNS rebinding). Killing a process is offered
//! only when the server was started with `can_change`, and checked again for every kill.

mod ask;
mod assets;
mod auth;
mod conn;
mod frame;
mod hub;
mod protocol;
mod window;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use grain::Pid;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use hub::Feed;
pub use protocol::{View, WebRow};
pub use window::{ProcessWindow, TreeCache, process_window, tree_window};

/// What the web observer asks of the node beyond its updates. Called on a blocking thread
/// (an attached node's control client blocks).
pub trait Control: Send + Sync + 'static {
    /// What the node says about a process (the shell's `info`: links, monitors, mailbox
    /// head, limits, or how it ended with its backtrace).
    fn info(&self, pid: Pid) -> String;
    /// Kills a process: what to tell the user, `Err` when the node refused or has no such
    /// process.
    fn kill(&self, pid: Pid) -> Result<String, String>;
}

/// How the web observer is set up.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// What is watched (the page's title).
    pub title: String,
    /// May the pages kill processes? (The node's own policy is checked as well.)
    pub can_change: bool,
    /// The token; a random one when `None`.
    pub token: Option<String>,
}

/// Why the web observer could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// The web observer's state shared by its routes and connections.
pub(crate) struct Shared {
    pub config: WebConfig,
    pub token: String,
    /// Where it listens (with the real port).
    pub addr: SocketAddr,
    pub hub: Arc<hub::Hub>,
    pub control: Arc<dyn Control>,
}

/// A web observer that is ready to answer: its routes over a running hub.
pub struct Web {
    shared: Arc<Shared>,
}

impl Web {
    /// Starts folding `feed` (inside a tokio runtime) for a server at `addr`.
    pub fn new(
        config: WebConfig,
        addr: SocketAddr,
        feed: impl Feed,
        control: Arc<dyn Control>,
    ) -> Web {
        let token = config
            .token
            .clone()
            .unwrap_or_else(crate::secret::fresh_token);
        let hub = hub::Hub::start(feed);
        Web {
            shared: Arc::new(Shared {
                config,
                token,
                addr,
                hub,
                control,
            }),
        }
    }

    /// The token a browser must present.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The routes: `/` (the page, or the token link), `/assets/...`, `/ws`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", get(auth::index))
            .route("/assets/{name}", get(assets::serve))
            .route("/ws", get(auth::upgrade))
            .fallback(auth::not_found)
            .layer(axum::middleware::from_fn_with_state(
                self.shared.clone(),
                auth::check_host,
            ))
            .with_state(self.shared.clone())
    }
}

/// A running web observer; dropping it stops it.
#[derive(Debug)]
pub struct WebServer {
    /// Where it listens (with the real port when port 0 was asked).
    pub addr: SocketAddr,
    /// The token a browser must present (the link carries it).
    pub token: String,
    task: JoinHandle<()>,
}

impl WebServer {
    /// The link that lets a browser in: `http://HOST:PORT/?token=TOKEN` (a loopback name
    /// when the server listens on every address).
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            std::net::IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_owned(),
            std::net::IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_owned(),
            ip @ std::net::IpAddr::V6(_) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        format!("http://{host}:{}/?token={}", self.addr.port(), self.token)
    }

    /// Does it listen beyond this machine (plain HTTP on the network)?
    pub fn public(&self) -> bool {
        !self.addr.ip().is_loopback()
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Listens on `addr` and serves the web observer of the node whose updates `feed` brings
/// (inside a tokio runtime).
///
/// # Errors
/// When the address cannot be listened on.
pub async fn serve(
    addr: SocketAddr,
    config: WebConfig,
    feed: impl Feed,
    control: Arc<dyn Control>,
) -> Result<WebServer, WebError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| WebError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| WebError::Bind { addr, source })?;
    let web = Web::new(config, bound, feed, control);
    let token = web.token().to_owned();
    let app = web.router();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(WebServer {
        addr: bound,
        token,
        task,
    })
}
