//! The NATS connection: options from the config, one clear error when it cannot be had,
//! and the connection's state as its event callback reports it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_nats::{ConnectErrorKind, ConnectOptions};

use super::{ClusterConfig, ClusterError};

/// What the client's event callback saw.
#[derive(Debug)]
pub(crate) struct ConnState {
    started: Instant,
    connected: AtomicBool,
    /// µs since `started` when the connection was lost (valid while not connected).
    lost_at_us: AtomicU64,
    /// Messages the client dropped because a subscription's channel was full.
    pub slow_consumer: AtomicU64,
    /// Errors the server reported (a permission violation, say).
    pub server_errors: AtomicU64,
    /// Set when the connection came back after a loss.
    reconnected: AtomicBool,
    /// Wakes requests waiting for answers when the connection is lost: an answer the old
    /// connection would have carried never comes.
    pub lost: tokio::sync::Notify,
}

impl ConnState {
    fn new() -> Self {
        ConnState {
            started: Instant::now(),
            connected: AtomicBool::new(true),
            lost_at_us: AtomicU64::new(0),
            slow_consumer: AtomicU64::new(0),
            server_errors: AtomicU64::new(0),
            reconnected: AtomicBool::new(false),
            lost: tokio::sync::Notify::new(),
        }
    }

    /// Is the connection up?
    pub(crate) fn connected(&self) -> bool {
        self.connected.load(Ordering::Acquire)
    }

    /// For how long the connection has been down, if it is.
    pub(crate) fn down_for(&self) -> Option<Duration> {
        if self.connected() {
            return None;
        }
        let lost = Duration::from_micros(self.lost_at_us.load(Ordering::Acquire));
        Some(self.started.elapsed().saturating_sub(lost))
    }

    /// When the connection was lost, if it is down now.
    pub(crate) fn lost_at(&self) -> Option<Instant> {
        if self.connected() {
            return None;
        }
        let lost = Duration::from_micros(self.lost_at_us.load(Ordering::Acquire));
        Some(self.started + lost)
    }

    /// Did the connection come back since the last call?
    pub(crate) fn take_reconnected(&self) -> bool {
        self.reconnected.swap(false, Ordering::AcqRel)
    }

    fn event(&self, event: async_nats::Event) {
        match event {
            async_nats::Event::Connected => {
                self.connected.store(true, Ordering::Release);
                self.reconnected.store(true, Ordering::Release);
            }
            async_nats::Event::Disconnected => {
                let now = self.started.elapsed().as_micros() as u64;
                self.lost_at_us.store(now, Ordering::Release);
                self.connected.store(false, Ordering::Release);
                self.lost.notify_waiters();
            }
            async_nats::Event::SlowConsumer(_) => {
                self.slow_consumer.fetch_add(1, Ordering::Relaxed);
            }
            async_nats::Event::ServerError(e) => {
                self.server_errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("NATS server error: {e}");
            }
            _ => {}
        }
    }
}

/// The URL as it may be shown: without a password.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// The credentials a URL carries: `user:password@` or `token@` (percent-encoded), and the
/// URL without them. (async-nats 0.51 reads neither from the URL.)
pub(crate) fn split_credentials(url: &str) -> (String, Option<(String, Option<String>)>) {
    let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) else {
        return (url.to_owned(), None);
    };
    if at < scheme {
        return (url.to_owned(), None);
    }
    let userinfo = &url[scheme + 3..at];
    let bare = format!("{}{}", &url[..scheme + 3], &url[at + 1..]);
    let creds = match userinfo.split_once(':') {
        Some((user, pass)) => (percent_decode(user), Some(percent_decode(pass))),
        None => (percent_decode(userinfo), None),
    };
    (bare, Some(creds))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Connects to NATS as `config` says; `name` names the connection in the server's view.
pub(crate) async fn connect(
    config: &ClusterConfig,
    name: &str,
) -> Result<(async_nats::Client, Arc<ConnState>), ClusterError> {
    let state = Arc::new(ConnState::new());
    let creds = &config.credentials;
    let mut options = match &creds.creds_file {
        Some(path) => ConnectOptions::with_credentials_file(path)
            .await
            .map_err(|e| ClusterError::Refused {
                url: redact(&config.url),
                reason: format!("cannot read {}: {e}", path.display()),
            })?,
        None => ConnectOptions::new(),
    };
    let (url, in_url) = split_credentials(&config.url);
    match in_url {
        Some((user, Some(pass))) => options = options.user_and_password(user, pass),
        Some((token, None)) => options = options.token(token),
        None => {}
    }
    if let Some(token) = &creds.token {
        options = options.token(token.clone());
    }
    if let Some(seed) = &creds.nkey_seed {
        options = options.nkey(seed.clone());
    }
    if let Some(ca) = &creds.tls_ca {
        options = options.add_root_certificates(ca.clone());
    }
    if let Some((cert, key)) = &creds.tls_client {
        options = options.add_client_certificate(cert.clone(), key.clone());
    }
    if config.url.starts_with("tls://") {
        options = options.require_tls(true);
    }
    let events = state.clone();
    let options = options
        .name(name)
        .connection_timeout(Duration::from_secs(5))
        // Frames may come in bursts far above NATS's default of 65,536 pending messages;
        // a drop would break the pair (safe, but needless).
        .subscription_capacity(1 << 20)
        .client_capacity(1 << 16)
        // A lost server is noticed by the heartbeats within `down_after`; pings only
        // find a half-open TCP connection, which the heartbeats also notice.
        .ping_interval(Duration::from_secs(5))
        .max_reconnects(None)
        .event_callback(move |event| {
            let events = events.clone();
            async move { events.event(event) }
        });
    let client = options
        .connect(url.as_str())
        .await
        .map_err(|e| connect_error(&config.url, &e))?;
    Ok((client, state))
}

fn connect_error(url: &str, e: &async_nats::ConnectError) -> ClusterError {
    let url = redact(url);
    let detail = std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_else(|| e.to_string());
    match e.kind() {
        ConnectErrorKind::AuthorizationViolation | ConnectErrorKind::Authentication => {
            ClusterError::Refused {
                url,
                reason: e.kind().to_string(),
            }
        }
        _ => ClusterError::Unreachable {
            url,
            reason: if detail.is_empty() {
                e.kind().to_string()
            } else {
                detail
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_in_the_url_is_never_shown() {
        assert_eq!(
            redact("nats://ann:secret@127.0.0.1:4222"),
            "nats://ann:***@127.0.0.1:4222"
        );
        assert_eq!(redact("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
        assert_eq!(redact("tls://tok@host:1"), "tls://tok:***@host:1");
    }

    #[test]
    fn credentials_come_out_of_the_url() {
        use super::split_credentials;
        assert_eq!(
            split_credentials("nats://ann:p%40ss@127.0.0.1:4222"),
            (
                "nats://127.0.0.1:4222".to_owned(),
                Some(("ann".to_owned(), Some("p@ss".to_owned())))
            )
        );
        assert_eq!(
            split_credentials("tls://s3cret@host:1").1,
            Some(("s3cret".to_owned(), None))
        );
        assert_eq!(split_credentials("nats://h:1").1, None);
    }
}
