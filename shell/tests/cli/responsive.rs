//! The shell never stalls and never loses input: processes that compute forever do not make
//! it wait, lines typed or pasted while a command runs all run in order, Ctrl-C cancels a
//! waiting command, piped output comes line by line and a closed pipe ends it quietly.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

use grain_shell::Shell;
use grain_shell::script;
use grain_shell::settle::{Settle, Settled};

use crate::tmux::{new_session, screen, send_keys, tmux, wait_for};

fn tokio() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Evaluates `line` as a script line is; its transcript part.
fn eval(tokio: &tokio::runtime::Runtime, sh: &mut Shell, line: &str) -> String {
    let (mut out, mut failures) = (String::new(), 0);
    tokio.block_on(script::eval(sh, line, &mut out, &mut failures));
    assert_eq!(failures, 0, "{line}: {out}");
    out
}

#[test]
fn spinning_processes_do_not_make_the_shell_wait() {
    std::env::set_current_dir(crate::support::root()).unwrap();
    let tokio = tokio();
    let _guard = tokio.enter();
    let mut sh = Shell::new().unwrap();
    eval(&tokio, &mut sh, "load examples/wat/busy_loop.wat");
    eval(&tokio, &mut sh, "load examples/wat/hello.wat");
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    // The line that starts them waits for them only until they are seen to compute.
    let settle = Settle::before(&sh);
    tokio
        .block_on(sh.eval(&format!("repeat {} spawn busy_loop.spin()", 2 * cores)))
        .unwrap();
    match tokio.block_on(settle.wait(&sh)) {
        Settled::Computing(pids) => assert_eq!(pids.len(), 2 * cores, "{pids:?}"),
        other => panic!("the spinners were not seen computing: {other:?}"),
    }
    // Later lines do not wait for them at all.
    for line in ["modules", "ps", "x = 5"] {
        let settle = Settle::before(&sh);
        tokio.block_on(sh.eval(line)).unwrap();
        assert_eq!(tokio.block_on(settle.wait(&sh)), Settled::Quiet, "{line}");
    }
    // What a new process prints still lands under the line that spawned it.
    let out = eval(&tokio, &mut sh, "spawn hello._start()");
    assert!(out.contains("Hello"), "{out}");
    let out = eval(&tokio, &mut sh, "modules");
    assert!(!out.contains("Hello"), "{out}");
}

#[test]
fn a_piped_shell_answers_each_line_before_its_input_ends() {
    let mut child = crate::support::grain()
        .arg("shell")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "x = 41").unwrap();
    stdin.flush().unwrap();
    // Stdin stays open: the answer must come now, not at the end of the input.
    let mut seen = String::new();
    while !seen.contains("x = $1 = 41") {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "output ended: {seen}"
        );
        seen.push_str(&line);
    }
    writeln!(stdin, "x").unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(rest.contains("grain> x\nx = 41"), "{rest}");
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_closed_pipe_ends_the_shell_quietly() {
    let script = crate::support::temp_dir("closed-pipe").join("many.grain");
    let lines: String = (0..2000).map(|i| format!("x = {i}\n")).collect();
    std::fs::write(&script, lines).unwrap();
    let mut child = crate::support::grain()
        .args(["shell", "--script", script.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // As `| head -1` does: read one line, then go away.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first, "grain> x = 0\n");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn ctrl_c_cancels_a_waiting_command_and_typed_ahead_lines_run_in_order() {
    let command = format!(
        "GRAIN_HISTORY=/dev/null {} shell",
        env!("CARGO_BIN_EXE_grain")
    );
    let session = new_session("responsive", 120, 40, &command);
    wait_for(&session, "grain>");
    // A receive without a timeout waits forever; Ctrl-C brings the prompt back.
    send_keys(&session, &["receive", "Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    send_keys(&session, &["C-c"]);
    wait_for(&session, "interrupted: the command was cancelled");
    send_keys(&session, &["a = 1", "Enter"]);
    wait_for(&session, "a = $1 = 1");

    // Lines typed while a command runs wait their turn, in order.
    send_keys(&session, &["receive 1500", "Enter"]);
    std::thread::sleep(Duration::from_millis(200));
    send_keys(&session, &["b = 2", "Enter", "c = 3", "Enter"]);
    wait_for(&session, "c = $3 = 3");
    let shown = screen(&session);
    let (b, c) = (shown.find("b = $2 = 2"), shown.find("c = $3 = 3"));
    assert!(b.is_some() && b < c, "{shown}");

    // Pasted lines run one by one, not glued into one line: a bracketed paste (then
    // Enter) and a plain one.
    tmux(&["set-buffer", "d = 4\ne = 5\nd"]);
    tmux(&["paste-buffer", "-p", "-t", &session]);
    std::thread::sleep(Duration::from_millis(200));
    send_keys(&session, &["Enter"]);
    wait_for(&session, "e = $5 = 5");
    wait_for(&session, "d = 4\n");
    tmux(&["set-buffer", "f = 6\ng = 7\n"]);
    tmux(&["paste-buffer", "-t", &session]);
    let shown = wait_for(&session, "g = $7 = 7");
    assert!(shown.contains("f = $6 = 6"), "{shown}");
    assert!(!shown.contains("error"), "{shown}");
    send_keys(&session, &["quit", "Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux(&["kill-session", "-t", &session]);
}
