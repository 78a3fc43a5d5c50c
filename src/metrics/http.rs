//! The Prometheus endpoint: a minimal HTTP/1.1 server answering `GET /metrics` with the
//! runtime's metrics in the text format. It serves until the runtime is dropped.

use std::net::SocketAddr;
use std::sync::Weak;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::Runtime;
use crate::runtime::RuntimeInner;

impl Runtime {
    /// Serves the metrics at `http://ADDR/metrics` for Prometheus to scrape; returns the
    /// bound address (port 0 picks a free port).
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn serve_metrics(&self, addr: SocketAddr) -> std::io::Result<SocketAddr> {
        let listener = TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        let rt = std::sync::Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let rt = rt.clone();
                tokio::spawn(async move {
                    let _ = answer(stream, rt).await;
                });
            }
        });
        Ok(bound)
    }
}

async fn answer(mut stream: TcpStream, rt: Weak<RuntimeInner>) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buf = [0; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&request);
    let path = line.split_whitespace().nth(1).unwrap_or("");
    let (status, body) = match (line.starts_with("GET "), path, rt.upgrade()) {
        (true, "/metrics" | "/", Some(rt)) => {
            let mut body = super::runtime::render(&rt);
            body.push_str(&rt.metrics.prometheus());
            ("200 OK", body)
        }
        (true, _, Some(_)) => ("404 Not Found", "try /metrics\n".to_owned()),
        (false, _, Some(_)) => ("405 Method Not Allowed", String::new()),
        (_, _, None) => ("503 Service Unavailable", String::new()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}
