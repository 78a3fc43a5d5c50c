//! Driving real terminals: tmux sessions, their screens, waiting for text.

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs tmux with `args`; its stdout.
pub fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Installs tmux with apt-get when it is missing (CI machines are fresh).
pub fn ensure_tmux() {
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

pub fn screen(session: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", session])
}

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
