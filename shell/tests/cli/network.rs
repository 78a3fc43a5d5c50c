//! Networking guests under `grain run`: a TCP echo server under 1,000 concurrent loopback
//! connections, a TLS round trip with the test certificates, and the Prometheus endpoint
//! (the guests' metrics and the runtime's own).

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

impl Node {
    /// Where `--metrics` serves (the first line on stderr).
    fn metrics_addr(&mut self) -> String {
        let mut err = BufReader::new(self.child.stderr.take().expect("stderr"));
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        line.trim()
            .strip_prefix("grain: metrics at http://")
            .and_then(|a| a.strip_suffix("/metrics"))
            .unwrap_or_else(|| panic!("no metrics address in {line:?}"))
            .to_owned()
    }
}

/// The value of one sample (`name{labels} value`) of a Prometheus text.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn the_runtimes_own_metrics_count_processes_traps_and_restarts() {
    // flaky.wat restarts a worker that traps (unreachable) every 300 ms, beside an idle
    // process: three alive at any time.
    let wat = crate::support::root().join("examples/wat/flaky.wat");
    let mut node = Node::start(&["run", "--metrics", "127.0.0.1:0", wat.to_str().unwrap()]);
    let addr = node.metrics_addr();
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let response = http_get(&addr, "/metrics");
        let traps = sample(&response, "grain_traps_total{kind=\"unreachable\"}");
        if traps.is_some_and(|n| n >= 2.0) {
            break response;
        }
        assert!(
            Instant::now() < deadline,
            "no two traps counted: {response}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        text.contains("# TYPE grain_processes_alive gauge\n"),
        "{text}"
    );
    assert_eq!(sample(&text, "grain_processes_alive"), Some(3.0), "{text}");
    let spawned = sample(&text, "grain_processes_spawned_total").unwrap();
    let exited = sample(&text, "grain_processes_exited_total").unwrap();
    assert_eq!(spawned - exited, 3.0, "{text}");
    let traps = sample(&text, "grain_traps_total{kind=\"unreachable\"}").unwrap();
    assert_eq!(
        sample(&text, "grain_exits_total{reason=\"trap\"}"),
        Some(traps),
        "{text}"
    );
    // Each trap after the first was answered by a restart (the scrape may fall between).
    let restarts = sample(&text, "grain_restarts_total").unwrap();
    assert!(restarts >= traps - 1.0 && restarts <= traps, "{text}");
    // Each death reached the supervisor as a message it received.
    assert!(
        sample(&text, "grain_messages_received_total").unwrap() >= traps - 1.0,
        "{text}"
    );
    assert!(
        sample(&text, "grain_fuel_used_total").unwrap() > 0.0,
        "{text}"
    );
    assert!(
        sample(&text, "grain_memory_bytes").unwrap() >= 3.0 * 65536.0,
        "{text}"
    );
    assert_eq!(
        sample(&text, "grain_observer_events_dropped_total"),
        Some(0.0),
        "{text}"
    );
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
    let addr = node.metrics_addr();
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
