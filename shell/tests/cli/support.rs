//! Helpers: the `grain` binary, and the Rust guests built on demand.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A command running the `grain` binary from the repository root.
pub fn grain() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_grain"));
    cmd.current_dir(root());
    cmd
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `grain args...`, failing the test if it takes over 60 s.
pub fn run(args: &[&str]) -> Output {
    run_with_input(args, "")
}

/// Runs `grain args...` with `input` on its stdin.
pub fn run_with_input(args: &[&str], input: &str) -> Output {
    let mut child = grain()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the grain binary starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("piped stdin");
        stdin.write_all(input.as_bytes()).expect("write stdin");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("grain {args:?} ran over 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("output");
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A cargo command in `dir`, without the outer cargo's settings (they would leak into a
/// nested build).
pub fn cargo(dir: &Path) -> Command {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("CARGO_") && key != "CARGO_HOME" || key.contains("RUSTFLAGS") {
            cargo.env_remove(key);
        }
    }
    cargo
}

static BUILT: Mutex<bool> = Mutex::new(false);

/// The path of a Rust guest from `examples/guests`, building them all (once per test run)
/// and adding the `wasm32-wasip1` target with rustup when it is missing.
pub fn guest(name: &str) -> PathBuf {
    let dir = root().join("examples/guests");
    build_once(&dir, &BUILT);
    dir.join(format!("target/wasm32-wasip1/release/{name}.wasm"))
}

/// Builds the guest workspace at `dir` for wasm32-wasip1 (release), once per test run:
/// `built` says whether it was.
pub fn build_once(dir: &Path, built: &Mutex<bool>) {
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    if !*built {
        ensure_target();
        let out = cargo(dir)
            .args(["build", "--release", "--target", "wasm32-wasip1"])
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building {} failed:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        *built = true;
    }
}

/// Adds the wasm32-wasip1 target when it is missing.
pub fn ensure_target() {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .expect("rustup runs");
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l == "wasm32-wasip1")
    {
        let status = Command::new("rustup")
            .args(["target", "add", "wasm32-wasip1"])
            .status()
            .expect("rustup runs");
        assert!(status.success(), "rustup target add wasm32-wasip1 failed");
    }
}

static TESTS: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The `#[lunatic::test]` binary of `examples/guests/tests/flags.rs`, built once.
pub fn guest_tests() -> PathBuf {
    let mut built = TESTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = built.as_ref() {
        return path.clone();
    }
    guest("hello");
    let dir = root().join("examples/guests");
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args([
            "test",
            "--release",
            "--no-run",
            "--message-format=json",
            "--target",
            "wasm32-wasip1",
            "--test",
            "flags",
        ])
        .current_dir(&dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("CARGO_") && key != "CARGO_HOME" || key.contains("RUSTFLAGS") {
            cargo.env_remove(key);
        }
    }
    let out = cargo.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "building the guest tests failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout
        .lines()
        .filter_map(|l| l.split("\"executable\":\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .find(|p| p.contains("flags"))
        .map(PathBuf::from)
        .expect("the flags test binary");
    *built = Some(path.clone());
    path
}

/// A node running in the background (`grain run ... --control ADDR`), killed on drop.
pub struct Node {
    child: std::process::Child,
    /// Where its control socket listens (`tcp://` with the real port).
    pub addr: String,
    /// Its token (TCP only).
    pub token: Option<String>,
}

impl Node {
    /// Starts `grain run <program> --control <addr> <extra...>` and waits for its socket.
    pub fn start(program: &str, addr: &str, extra: &[&str]) -> Node {
        let mut args = vec!["run", program, "--control", addr];
        args.extend_from_slice(extra);
        Node::spawn(&args)
    }

    /// Starts `grain args...` (a command with `--control`) and waits for its socket.
    pub fn spawn(args: &[&str]) -> Node {
        use std::io::BufRead;
        let mut child = grain()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("grain starts");
        let mut line = String::new();
        let stderr = child.stderr.take().expect("piped");
        std::io::BufReader::new(stderr)
            .read_line(&mut line)
            .expect("grain says where it listens");
        // "grain: control socket ADDR [token TOKEN]"
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(
            line.starts_with("grain: control socket") && words.len() >= 4,
            "unexpected: {line:?}"
        );
        Node {
            child,
            addr: words[3].to_owned(),
            token: (words.len() == 6).then(|| words[5].to_owned()),
        }
    }
}

impl Node {
    /// Waits until `ps` on the node shows `what` (the program starts after the socket).
    pub fn wait_for(&self, what: &str) {
        let endpoint: grain_shell::control::Endpoint = self.addr.parse().expect("address");
        let mut client = grain_shell::control::Client::connect(&endpoint, self.token.clone())
            .expect("the node accepts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !client.eval("ps").expect("ps").0.contains(what) {
            assert!(Instant::now() < deadline, "the node never showed {what:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Node {
    /// Is the node's process still running?
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("grain-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Are the tests running as root (so they can act as another user)?
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs `f` on a thread whose user is `uid` (the rest of the test process stays root).
#[allow(
    unsafe_code,
    reason = "setresuid on one thread only, through the raw syscall"
)]
pub fn as_user<T: Send>(uid: u32, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            // SAFETY: a plain syscall changing this thread's credentials; no memory involved.
            let r = unsafe { libc::syscall(libc::SYS_setresuid, uid, uid, uid) };
            assert_eq!(r, 0, "setresuid");
            f()
        })
        .join()
        .expect("the thread ran")
    })
}

/// Every stdout line of a `--json` run, parsed; fails on a line that is not JSON.
pub fn values(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

/// A `grain` command serving the web observer, killed on drop.
pub struct Served {
    child: std::process::Child,
    /// The link it printed (`http://127.0.0.1:PORT/?token=...`).
    pub url: String,
    /// The lines it said while starting (the link, and the control socket's).
    pub said: Vec<String>,
}

impl Served {
    /// Starts `grain args...` and waits for its `web observer:` line (and, with
    /// `--control`, for its control socket's).
    pub fn start(args: &[&str]) -> Served {
        use std::io::BufRead;
        let mut child = grain()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("grain starts");
        let mut lines = std::io::BufReader::new(child.stderr.take().expect("piped")).lines();
        let mut want_control = args.contains(&"--control");
        let (mut url, mut said) = (None, Vec::new());
        while url.is_none() || want_control {
            let line = lines
                .next()
                .expect("grain says where it serves")
                .expect("stderr");
            if let Some(link) = line.strip_prefix("grain: web observer: ") {
                url = Some(link.to_owned());
            }
            want_control &= !line.starts_with("grain: control socket");
            said.push(line);
        }
        // Whatever else it says goes nowhere (a full pipe would stop it).
        std::thread::spawn(move || lines.for_each(drop));
        Served {
            child,
            url: url.expect("a link"),
            said,
        }
    }

    /// `host:port` of the server.
    pub fn authority(&self) -> &str {
        let rest = self.url.trim_start_matches("http://");
        &rest[..rest.find('/').unwrap_or(rest.len())]
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts that `text` contains every one of `parts`, naming the first one missing.
pub fn assert_contains_all(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}
