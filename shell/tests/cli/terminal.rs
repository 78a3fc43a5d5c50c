//! The real binary in a real terminal (tmux): the prompt, Tab completion, a command, quit.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::support;
use crate::tmux::{ensure_tmux, screen, tmux, wait_for};

#[test]
fn the_shell_works_in_a_real_terminal() {
    ensure_tmux();
    let session = format!("grain-shell-test-{}", std::process::id());
    let history = std::env::temp_dir().join(format!("{session}.history"));
    let command = format!(
        "GRAIN_HISTORY={} {} shell",
        history.display(),
        env!("CARGO_BIN_EXE_grain")
    );
    let root = support::root();
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "40",
        "-c",
        root.to_str().unwrap(),
        &command,
    ]);
    wait_for(&session, "grain>");

    // Tab completes a command name.
    tmux(&["send-keys", "-t", &session, "hel", "Tab"]);
    wait_for(&session, "grain> help");
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for(&session, "commands (help COMMAND for details)");

    // Tab completes a path.
    tmux(&["send-keys", "-t", &session, "load examples/wat/coun", "Tab"]);
    wait_for(&session, "examples/wat/counter.wat");
    tmux(&["send-keys", "-t", &session, "Enter"]);
    wait_for(&session, "loaded counter");

    // An unfinished line asks for more, then runs whole.
    tmux(&[
        "send-keys",
        "-t",
        &session,
        "spawn counter.counter(",
        "Enter",
    ]);
    std::thread::sleep(Duration::from_millis(300));
    tmux(&["send-keys", "-t", &session, ")", "Enter"]);
    wait_for(&session, "$1 = <0.2>");

    tmux(&["send-keys", "-t", &session, "quit", "Enter"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Command::new("tmux")
        .args(["has-session", "-t", &session])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(
            Instant::now() < deadline,
            "the shell did not quit:\n{}",
            screen(&session)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let saved = std::fs::read_to_string(&history).unwrap_or_default();
    assert!(
        saved.contains("load examples/wat/counter.wat"),
        "history kept: {saved}"
    );
}
