//! Real parts for the cluster tests: a nats-server on loopback (restartable on its port,
//! with its JetStream store), `grain node` processes whose output is kept, faults by signal.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh cluster name, so tests can share nothing by accident.
pub fn cluster_name(what: &str) -> String {
    format!("{what}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A running nats-server.
pub struct Nats {
    child: Option<Child>,
    dir: PathBuf,
    config: Option<PathBuf>,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Nats {
    /// Starts one on a random port (`-p -1`, read back from its ports file).
    pub fn start() -> Nats {
        Self::with_config(None)
    }

    /// Starts one with a configuration file (accounts, users, permissions).
    pub fn with_config(config: Option<&str>) -> Nats {
        let dir = support::temp_dir(&format!("nats{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        let config = config.map(|text| {
            let path = dir.join("nats.conf");
            std::fs::write(&path, text).expect("config");
            path
        });
        let mut nats = Nats {
            child: None,
            dir,
            config,
            addr: String::new(),
        };
        nats.spawn("-1");
        nats
    }

    fn spawn(&mut self, port: &str) {
        let mut cmd = Command::new("nats-server");
        cmd.args(["-a", "127.0.0.1", "-p", port, "-js", "-sd"])
            .arg(self.dir.join("js"))
            .arg("--ports_file_dir")
            .arg(&self.dir);
        if let Some(config) = &self.config {
            cmd.arg("-c").arg(config);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server runs (apt-get install nats-server)");
        let ports = self.dir.join(format!("nats-server_{}.ports", child.id()));
        let deadline = Instant::now() + Duration::from_secs(10);
        self.addr = loop {
            if let Ok(text) = std::fs::read_to_string(&ports)
                && let Some(url) = text.split('"').find(|s| s.starts_with("nats://"))
            {
                break url.trim_start_matches("nats://").to_owned();
            }
            assert!(Instant::now() < deadline, "nats-server wrote no ports file");
            std::thread::sleep(Duration::from_millis(10));
        };
        self.child = Some(child);
    }

    /// `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://{}", self.addr)
    }

    /// Kills the server (SIGKILL) and starts it again on the same port and store.
    pub fn restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let port = self.addr.rsplit(':').next().expect("a port").to_owned();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let _ = std::fs::remove_file(self.dir.join("ports"));
            self.spawn(&port);
            std::thread::sleep(Duration::from_millis(50));
            if self
                .child
                .as_mut()
                .is_some_and(|c| c.try_wait().ok().flatten().is_none())
            {
                return;
            }
            assert!(Instant::now() < deadline, "nats-server did not restart");
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

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
    /// Starts `grain args...` with the cluster flags.
    pub fn start(args: &[&str]) -> Member {
        let mut child = support::grain()
            .args(args)
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

    /// Starts `grain node` named `name` in `cluster` and waits until it has joined.
    pub fn node(nats: &str, cluster: &str, name: &str) -> Member {
        let node = Member::start(&["node", "--nats", nats, "--cluster", cluster, "--name", name]);
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
                "still running:\n{}",
                self.stdout()
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
        &wasm,
    ];
    all.extend_from_slice(args);
    Member::start(&all)
}
