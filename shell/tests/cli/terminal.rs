//! The real binary in a real terminal (tmux): the prompt, Tab completion, a command, quit.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::tmux::{new_session, screen, send_keys, wait_for};

/// `grain shell` in a tmux session `name` of 120 columns, with a history file of its own.
fn shell_in_tmux(name: &str, height: u16) -> (String, std::path::PathBuf) {
    let history = std::env::temp_dir().join(format!("grain-{name}-{}.history", std::process::id()));
    let command = format!(
        "GRAIN_HISTORY={} {} shell",
        history.display(),
        env!("CARGO_BIN_EXE_grain")
    );
    (new_session(name, 120, height, &command), history)
}

#[test]
fn the_shell_works_in_a_real_terminal() {
    let (session, history) = shell_in_tmux("shell-test", 50);
    wait_for(&session, "grain>");

    // Tab completes a command name.
    send_keys(&session, &["hel", "Tab"]);
    wait_for(&session, "grain> help");
    send_keys(&session, &["Enter"]);
    wait_for(&session, "commands (help COMMAND for details)");

    // Tab completes a path.
    send_keys(&session, &["load examples/wat/coun", "Tab"]);
    wait_for(&session, "examples/wat/counter.wat");
    send_keys(&session, &["Enter"]);
    wait_for(&session, "loaded counter");

    // An unfinished line asks for more, then runs whole.
    send_keys(&session, &["spawn counter.counter(", "Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    send_keys(&session, &[")", "Enter"]);
    wait_for(&session, "$1 = <0.2>");

    send_keys(&session, &["quit", "Enter"]);
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

/// While a command waits, trace events print as they come; at the prompt they wait for
/// the next line, so the line being typed is never written over.
#[test]
fn trace_events_print_while_a_command_waits() {
    let (session, history) = shell_in_tmux("shell-trace", 40);
    wait_for(&session, "grain>");
    send_keys(&session, &["p = run examples/wat/flaky.wat", "Enter"]);
    wait_for(&session, "p = $1 = <0.");
    send_keys(&session, &["trace p --spawn --limit 4", "Enter"]);
    wait_for(&session, "tracing <0.");
    // The worker crashes every 300 ms: during the wait its restarts show, one by one.
    send_keys(&session, &["wait p 3000", "Enter"]);
    let during = wait_for(&session, "> spawn <0.");
    assert!(!during.contains("still running after"), "{during}");
    let shown = wait_for(&session, "still running after 3000 ms");
    let stop = shown
        .find("stopped: reached its limit of 4 events")
        .expect(&shown);
    assert!(stop < shown.find("still running after").unwrap(), "{shown}");
    assert!(shown.contains("> link <0."), "{shown}");
    send_keys(&session, &["quit", "Enter"]);
    let _ = std::fs::remove_file(&history);
}
