//! Real parts for the cluster tests: a nats-server on loopback (restartable on its port,
//! with its JetStream store), `grain node` processes whose output is kept, faults by signal.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh cluster name, so tests can share nothing by accident.
pub fn cluster_name(what: &str) -> String {
    format!("{what}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub use crate::nats_server::Nats;

/// A `grain` process in a cluster (`grain node` or `grain run --nats`), its output kept.
pub struct Member {
    child: Child,
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
}

fn keep(stream: impl std::io::Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut text = into.lock().unwrap_or_else(|e| e.into_inner());
            text.push_str(&line);
            text.push('\n');
        }
    });
}

impl Member {
    /// Starts `grain args...` with the cluster flags (and the cluster layer's log on, for
    /// failures to show).
    pub fn start(args: &[&str]) -> Member {
        let mut child = support::grain()
            .args(args)
            .env("GRAIN_LOG", "grain::cluster=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("grain starts");
        let (out, err) = (Arc::default(), Arc::default());
        keep(child.stdout.take().expect("piped"), Arc::clone(&out));
        keep(child.stderr.take().expect("piped"), Arc::clone(&err));
        Member { child, out, err }
    }

    /// Starts `grain node` named `name` in `cluster` and waits until it has joined. Its
    /// peers are down after 5 s of silence: a loaded test machine may starve a node's
    /// heartbeats for longer than the default second.
    pub fn node(nats: &str, cluster: &str, name: &str) -> Member {
        Self::node_down_after(nats, cluster, name, PATIENT)
    }

    /// Like [`Member::node`], with peers down after `down_after` ms of silence.
    pub fn node_down_after(nats: &str, cluster: &str, name: &str, down_after: &str) -> Member {
        let node = Member::start(&[
            "node",
            "--nats",
            nats,
            "--cluster",
            cluster,
            "--name",
            name,
            "--down-after",
            down_after,
        ]);
        node.wait_err("grain: node ");
        node
    }

    /// What it printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.out.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.err.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits (up to 60 s) until stdout contains `what`; returns all of stdout.
    pub fn wait_out(&self, what: &str) -> String {
        self.wait_for(what, true)
    }

    /// Waits (up to 60 s) until stderr contains `what`; returns all of stderr.
    pub fn wait_err(&self, what: &str) -> String {
        self.wait_for(what, false)
    }

    fn wait_for(&self, what: &str, out: bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = if out { self.stdout() } else { self.stderr() };
            if text.contains(what) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "never printed {what:?}; stdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Its node id, from the line `grain node` prints when it joins.
    pub fn node_id(&self) -> u64 {
        let err = self.wait_err("grain: node ");
        let line = err
            .lines()
            .find(|l| l.starts_with("grain: node "))
            .expect("line");
        line.split_whitespace()
            .nth(5)
            .and_then(|w| w.parse().ok())
            .expect("an id")
    }

    /// Sends it a signal (SIGKILL, SIGSTOP, SIGCONT, SIGTERM).
    pub fn signal(&self, signal: i32) {
        // SAFETY: a plain kill(2) of our own child.
        #[allow(unsafe_code, reason = "kill(2) of a child process")]
        let r = unsafe { libc::kill(self.child.id() as i32, signal) };
        assert_eq!(r, 0, "kill({}, {signal})", self.child.id());
    }

    /// Is it still running?
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait").is_none()
    }

    /// Waits (up to 60 s) for it to end; its exit status.
    pub fn wait(&mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Let the reader threads take the last lines.
                std::thread::sleep(Duration::from_millis(50));
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "still running; stdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `grain run --nats ... --name NAME cluster.wasm ARGS...` (the lunatic-rs guest of
/// examples/guests/src/bin/cluster.rs).
pub fn run_guest(nats: &str, cluster: &str, name: &str, args: &[&str]) -> Member {
    run_guest_down_after(nats, cluster, name, PATIENT, args)
}

/// How long (ms) the nodes of tests that do not test failure detection wait.
pub const PATIENT: &str = "5000";

/// Like [`run_guest`], with peers down after `down_after` ms of silence.
pub fn run_guest_down_after(
    nats: &str,
    cluster: &str,
    name: &str,
    down_after: &str,
    args: &[&str],
) -> Member {
    let wasm = support::guest("cluster");
    let wasm = wasm.to_string_lossy().into_owned();
    let mut all = vec![
        "run",
        "--nats",
        nats,
        "--cluster",
        cluster,
        "--name",
        name,
        "--down-after",
        down_after,
        &wasm,
    ];
    all.extend_from_slice(args);
    Member::start(&all)
}
