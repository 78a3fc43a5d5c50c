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
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !*built {
        ensure_target();
        let out = cargo(&dir)
            .args(["build", "--release", "--target", "wasm32-wasip1"])
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building examples/guests failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        *built = true;
    }
    dir.join(format!("target/wasm32-wasip1/release/{name}.wasm"))
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
