//! A real nats-server for the cluster tests: JetStream on, a random port on loopback
//! (`-p -1 --ports_file_dir`, race-free), restartable on its port with its store, killed on
//! drop. Shared by the runtime's tests (tests/all) and the shell's (shell/tests/cli).
//! When nats-server is missing, the tests install Debian's package (as `.ci/run` does).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicU32 = AtomicU32::new(0);
static INSTALL: std::sync::Once = std::sync::Once::new();

/// Installs nats-server with apt-get if it is not on the PATH.
fn ensure_installed() {
    INSTALL.call_once(|| {
        if Command::new("nats-server")
            .arg("--version")
            .output()
            .is_ok()
        {
            return;
        }
        for args in [
            &["update", "-qq"][..],
            &["install", "-y", "-qq", "nats-server"][..],
        ] {
            let status = Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "nats-server is missing and apt-get {args:?} failed: install Debian's nats-server"
            );
        }
    });
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
        ensure_installed();
        let dir = std::env::temp_dir().join(format!(
            "grain-nats-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("nats dir");
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
            .expect("nats-server runs");
        let ports = self.dir.join(format!("nats-server_{}.ports", child.id()));
        let deadline = Instant::now() + Duration::from_secs(10);
        self.addr = loop {
            if let Ok(text) = std::fs::read_to_string(&ports)
                && let Some(url) = text.split('"').find(|s| s.contains("://"))
            {
                // `nats://` or, for a server that requires TLS, `tls://`.
                break url.split("://").nth(1).unwrap_or_default().to_owned();
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

    /// Kills the server (SIGKILL) for good.
    #[allow(dead_code, reason = "used by the shell's tests only")]
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills the server (SIGKILL) and starts it again on the same port and store.
    #[allow(dead_code, reason = "used by the shell's tests only")]
    pub fn restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let port = self.addr.rsplit(':').next().expect("a port").to_owned();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
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
