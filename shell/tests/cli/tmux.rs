//! Driving real terminals: tmux sessions, their screens, waiting for text.

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs tmux with `args`; its stdout.
pub fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Installs tmux with apt-get when it is missing (CI machines are fresh).
fn ensure_tmux() {
    if Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return;
    }
    let update = Command::new("apt-get").args(["update", "-qq"]).status();
    let install = Command::new("apt-get")
        .args(["install", "-y", "-qq", "tmux"])
        .status();
    assert!(
        update.is_ok() && install.is_ok_and(|s| s.success()),
        "tmux is needed and could not be installed"
    );
}

/// Starts `command` (run by sh in the repository root) in a new detached session of
/// `width` × `height`, named after `name` and this test process; returns the session's name.
pub fn new_session(name: &str, width: u16, height: u16, command: &str) -> String {
    ensure_tmux();
    let session = format!("grain-{name}-{}", std::process::id());
    let root = crate::support::root();
    let (w, h) = (width.to_string(), height.to_string());
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        &w,
        "-y",
        &h,
        "-c",
        root.to_str().unwrap(),
        command,
    ]);
    session
}

/// Types `keys` (tmux key names or text) into the session.
pub fn send_keys(session: &str, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", session];
    args.extend_from_slice(keys);
    tmux(&args);
}

/// What the session's screen shows now.
pub fn screen(session: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", session])
}

/// Waits (up to 20 s) until the screen shows `what`; the screen then.
pub fn wait_for(session: &str, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let s = screen(session);
        if s.contains(what) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "never saw {what:?} on the screen:\n{s}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
