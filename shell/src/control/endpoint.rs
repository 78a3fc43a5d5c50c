//! Where a control socket listens: a Unix socket path or `tcp://HOST:PORT`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use super::ControlError;

/// A control socket's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A Unix socket at this path (`unix:PATH` or a plain path).
    Unix(PathBuf),
    /// A TCP address (`tcp://HOST:PORT`); a token is required.
    Tcp(SocketAddr),
}

impl FromStr for Endpoint {
    type Err = ControlError;

    fn from_str(s: &str) -> Result<Self, ControlError> {
        if let Some(addr) = s.strip_prefix("tcp://") {
            let addr = std::net::ToSocketAddrs::to_socket_addrs(addr)
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(|| ControlError::BadAddress(s.to_owned()))?;
            return Ok(Endpoint::Tcp(addr));
        }
        let path = s.strip_prefix("unix:").unwrap_or(s);
        if path.is_empty() || s.contains("://") {
            return Err(ControlError::BadAddress(s.to_owned()));
        }
        Ok(Endpoint::Unix(PathBuf::from(path)))
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Unix(p) => write!(f, "{}", p.display()),
            Endpoint::Tcp(a) => write!(f, "tcp://{a}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths_and_tcp() {
        assert_eq!(
            "/tmp/n.sock".parse::<Endpoint>().unwrap(),
            Endpoint::Unix("/tmp/n.sock".into())
        );
        assert_eq!(
            "unix:n.sock".parse::<Endpoint>().unwrap(),
            Endpoint::Unix("n.sock".into())
        );
        assert_eq!(
            "tcp://127.0.0.1:4000".parse::<Endpoint>().unwrap(),
            Endpoint::Tcp("127.0.0.1:4000".parse().unwrap())
        );
        assert!("tcp://nowhere".parse::<Endpoint>().is_err());
        assert!("http://x".parse::<Endpoint>().is_err());
        assert!("".parse::<Endpoint>().is_err());
    }
}
