//! Networking guests under `grain run`: a TCP echo server under 1,000 concurrent loopback
//! connections, a TLS round trip with the test certificates, and the Prometheus endpoint.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::{grain, guest, run};

/// A `grain run` in the background whose stdout and stderr lines the test reads.
struct Node {
    child: Child,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Node {
    fn start(args: &[&str]) -> Node {
        let mut child = grain()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the grain binary starts");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Node { child, stdout }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("a line of output");
        line
    }

    /// Waits up to `limit` for the end; the exit status and the rest of stdout and stderr.
    fn finish(mut self, limit: Duration) -> (i32, String, String) {
        let deadline = Instant::now() + limit;
        while self.child.try_wait().expect("wait").is_none() {
            if Instant::now() > deadline {
                self.child.kill().ok();
                panic!("grain ran over {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let (mut out, mut err) = (String::new(), String::new());
        self.stdout.read_to_string(&mut out).ok();
        let mut stderr = self.child.stderr.take().expect("piped stderr");
        stderr.read_to_string(&mut err).ok();
        let status = self.child.wait().expect("status").code().unwrap_or(-1);
        (status, out, err)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.child.kill().ok();
    }
}

fn port(line: &str, prefix: &str) -> u16 {
    line.trim()
        .strip_prefix(prefix)
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("expected {prefix:?}PORT, got {line:?}"))
}

#[test]
fn a_tcp_echo_server_serves_1000_concurrent_connections() {
    const N: usize = 1000;
    let wasm = guest("tcp_echo");
    let n = N.to_string();
    let mut node = Node::start(&["run", wasm.to_str().unwrap(), &n]);
    let port = port(&node.line(), "listening on ");
    // All connections are open at once before any is served to the end.
    let mut clients: Vec<TcpStream> = (0..N)
        .map(|i| {
            let s = TcpStream::connect(("127.0.0.1", port))
                .unwrap_or_else(|e| panic!("connection {i}: {e}"));
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            s
        })
        .collect();
    for (i, client) in clients.iter_mut().enumerate() {
        write!(client, "message {i:04} from client {i:04}").unwrap();
    }
    let mut bytes = 0;
    for (i, client) in clients.iter_mut().enumerate() {
        let expected = format!("message {i:04} from client {i:04}");
        let mut reply = vec![0; expected.len()];
        client
            .read_exact(&mut reply)
            .unwrap_or_else(|e| panic!("echo {i}: {e}"));
        assert_eq!(String::from_utf8_lossy(&reply), expected);
        bytes += expected.len();
    }
    drop(clients);
    let (status, out, err) = node.finish(Duration::from_secs(60));
    assert_eq!(
        out,
        format!("served {N} connections, echoed {bytes} bytes\n"),
        "{err}"
    );
    assert_eq!(status, 0, "{err}");
}

#[test]
fn a_tls_round_trip_with_a_test_certificate() {
    let wasm = guest("tls_echo");
    let out = run(&["run", wasm.to_str().unwrap()]);
    assert_eq!(
        out.stdout,
        "server: the untrusting client's handshake failed\n\
         client: no connection without the test CA\n\
         client got: hello over TLS\n",
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("the metrics endpoint accepts");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn guest_metrics_are_served_to_prometheus() {
    let wasm = guest("metrics");
    let mut node = Node::start(&["run", "--metrics", "127.0.0.1:0", wasm.to_str().unwrap()]);
    assert_eq!(node.line(), "metrics recorded\n");
    let mut err = BufReader::new(node.child.stderr.take().expect("stderr"));
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("grain: metrics at http://")
        .and_then(|a| a.strip_suffix("/metrics"))
        .unwrap_or_else(|| panic!("no metrics address in {line:?}"))
        .to_owned();
    let response = http_get(&addr, "/metrics");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    for expected in [
        "# TYPE requests counter\nrequests 3\n",
        "# TYPE bytes_sent counter\nbytes_sent 1500\n",
        "# TYPE queue_depth gauge\nqueue_depth 5\n",
        "latency_seconds_bucket{le=\"0.025\"} 1\n",
        "latency_seconds_bucket{le=\"1\"} 2\n",
        "latency_seconds_count 2\n",
    ] {
        assert!(response.contains(expected), "{expected:?} in {response}");
    }
    assert!(http_get(&addr, "/elsewhere").starts_with("HTTP/1.1 404"));
}
