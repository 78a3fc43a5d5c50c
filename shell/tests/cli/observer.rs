//! The observer in a real terminal (tmux), attached to a node with a crashing supervised
//! worker: the restart count rises, `k` kills a process, `q` restores the terminal; the
//! recording plays back.

use std::time::{Duration, Instant};

use crate::support::{self, Node, temp_dir};
use crate::tmux::{new_session, screen, send_keys, tmux, wait_for};

/// The RST column of the row of `function` (the last number on its line).
fn restarts(screen: &str, function: &str) -> Option<u64> {
    let line = screen.lines().find(|l| l.contains(function))?;
    line.split_whitespace().last()?.parse().ok()
}

#[test]
fn watch_a_live_node_kill_a_process_and_replay_it() {
    let dir = temp_dir("observe");
    let sock = dir.join("node.sock");
    let node = Node::start("examples/wat/flaky.wat", sock.to_str().unwrap(), &[]);
    node.wait_for("flaky@1.idle");
    let record = dir.join("session.jsonl");
    // A shell in the terminal runs the observer, then reports the terminal's mode.
    let command = format!(
        "{} observe --attach {} --record {}; stty -a | grep -q ' icanon' && echo TERMINAL-RESTORED; sleep 60",
        env!("CARGO_BIN_EXE_grain"),
        node.addr,
        record.display()
    );
    let session = new_session("observe-test", 100, 30, &command);
    let first = wait_for(&session, "flaky@1._start");
    assert!(
        first.contains("LIVE") && first.contains("flaky@1.idle"),
        "{first}"
    );

    // The worker crashes every 300 ms and is started again: the count rises.
    let before = restarts(&first, "flaky@1._start").unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = restarts(&screen(&session), "flaky@1._start").unwrap_or(0);
        if now >= before + 2 {
            break;
        }
        assert!(Instant::now() < deadline, "restarts stuck at {now}");
        std::thread::sleep(Duration::from_millis(100));
    }

    // The tree shows the worker under its supervisor, with branch lines.
    send_keys(&session, &["t"]);
    wait_for(&session, "─ <0.2>");
    send_keys(&session, &["t"]);

    // Filter to the idle process, kill it (confirming), see it leave the table.
    send_keys(&session, &["\\", "idle", "Enter"]);
    wait_for(&session, "filter: idle");
    send_keys(&session, &["k"]);
    wait_for(&session, "Kill <0.2>? y/n");
    send_keys(&session, &["y"]);
    wait_for(&session, "killed <0.2>");
    send_keys(&session, &["Escape"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while screen(&session).contains("flaky@1.idle") {
        assert!(
            Instant::now() < deadline,
            "the killed process stays in the table"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    wait_for(&session, "flaky@1.worker");

    // Quit: the terminal is back in its normal mode.
    send_keys(&session, &["q"]);
    let after = wait_for(&session, "TERMINAL-RESTORED");
    assert!(
        !after.contains("LIVE"),
        "the observer's screen is gone:\n{after}"
    );
    tmux(&["kill-session", "-t", &session]);
    drop(node);

    // The recording plays back: the node is gone, the replay shows it.
    let text = std::fs::read_to_string(&record).unwrap();
    assert!(
        text.starts_with("{\"grain_record\":1"),
        "{}",
        &text[..80.min(text.len())]
    );
    assert!(text.lines().count() > 5, "updates were recorded");
    let replay = format!(
        "{} observe --replay {}",
        env!("CARGO_BIN_EXE_grain"),
        record.display()
    );
    let session = new_session("observe-replay", 100, 30, &replay);
    let shown = wait_for(&session, "flaky@1._start");
    assert!(shown.contains("replay of"), "{shown}");
    send_keys(&session, &["k"]);
    wait_for(&session, "Kill <0.");
    send_keys(&session, &["y"]);
    wait_for(&session, "a replay cannot kill");
    send_keys(&session, &["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::process::Command::new("tmux")
        .args(["has-session", "-t", &session])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(Instant::now() < deadline, "the replay did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn observe_needs_a_terminal_and_says_so() {
    let out = support::run_with_input(&["shell"], "observe\n");
    assert!(
        out.stdout.contains("the observer needs a terminal"),
        "{}",
        out.stdout
    );
    let dir = temp_dir("replay-bad");
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "not json\n").unwrap();
    let out = support::run(&["observe", "--replay", bad.to_str().unwrap()]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("line 1: not a grain recording"),
        "{}",
        out.stderr
    );
}

#[test]
fn observe_from_the_shell_and_come_back() {
    let grain = env!("CARGO_BIN_EXE_grain");
    let dir = temp_dir("shell-control");
    let sock = dir.join("shell.sock");
    let history = dir.join("history");
    let s = new_session(
        "shell-observe",
        100,
        30,
        &format!(
            "GRAIN_HISTORY={} {grain} shell --control {}; sleep 30",
            history.display(),
            sock.display()
        ),
    );
    wait_for(&s, "grain>");
    send_keys(&s, &["p = run examples/wat/flaky.wat", "Enter"]);
    wait_for(&s, "p = $1 = <0.");
    // The shell's runtime has a control socket: another terminal can work on it.
    let out = support::run_with_input(&["shell", "--attach", sock.to_str().unwrap()], "tree\n");
    assert!(out.stdout.contains("flaky@1._start"), "{}", out.stdout);
    send_keys(&s, &["observe", "Enter"]);
    let shown = wait_for(&s, "flaky@1._start");
    assert!(
        shown.contains("this shell's runtime") && shown.contains("host.shell"),
        "{shown}"
    );
    send_keys(&s, &["q"]);
    send_keys(&s, &["p", "Enter"]);
    let back = wait_for(&s, "p = <0.");
    assert!(!back.contains("LIVE"), "the observer is gone:\n{back}");
    send_keys(&s, &["quit", "Enter"]);
    tmux(&["kill-session", "-t", &s]);
}

/// `grain observe` takes a program's arguments and `grain run`'s options: the hostile
/// guest's `spin` under a fuel limit ends with a limit event, shown with its unit.
#[test]
fn observe_passes_arguments_and_limits_to_the_program() {
    let grain = env!("CARGO_BIN_EXE_grain");
    let guest = crate::support::guest("hostile");
    let s = new_session(
        "observe-args",
        120,
        30,
        &format!(
            "{grain} observe --max-fuel 200M --max-processes 50 {} spin; echo EXIT=$?; sleep 30",
            guest.display()
        ),
    );
    let first = wait_for(&s, "hostile.wasm spin");
    assert!(first.contains("LIVE"), "{first}");
    send_keys(&s, &["e"]);
    wait_for(&s, "fuel limit hit (200M fuel)");
    send_keys(&s, &["q"]);
    wait_for(&s, "EXIT=0");
    tmux(&["kill-session", "-t", &s]);
}

#[test]
fn observe_a_program_or_a_fresh_node() {
    let grain = env!("CARGO_BIN_EXE_grain");
    let s = new_session(
        "observe-program",
        100,
        30,
        &format!("{grain} observe examples/wat/flaky.wat; echo EXIT=$?; sleep 30"),
    );
    wait_for(&s, "flaky@1.worker");
    send_keys(&s, &["q"]);
    wait_for(&s, "EXIT=0");
    tmux(&["kill-session", "-t", &s]);

    let s = new_session(
        "observe-fresh",
        100,
        30,
        &format!("{grain} observe; echo EXIT=$?; sleep 30"),
    );
    let shown = wait_for(&s, "host.shell");
    assert!(shown.contains("a fresh node"), "{shown}");
    send_keys(&s, &["q"]);
    wait_for(&s, "`observe` reopens it");
    send_keys(&s, &["run examples/wat/hello.wat", "Enter"]);
    wait_for(&s, "Hello");
    send_keys(&s, &["quit", "Enter"]);
    wait_for(&s, "EXIT=0");
    tmux(&["kill-session", "-t", &s]);
}

#[test]
fn an_attached_shell_opens_the_observer_here() {
    let dir = temp_dir("attached-observe");
    let sock = dir.join("node.sock");
    let node = Node::start("examples/wat/flaky.wat", sock.to_str().unwrap(), &[]);
    node.wait_for("flaky@1.idle");
    let grain = env!("CARGO_BIN_EXE_grain");
    let s = new_session(
        "attached-observe",
        100,
        30,
        &format!(
            "{grain} shell --attach {}; echo EXIT=$?; sleep 30",
            node.addr
        ),
    );
    wait_for(&s, "attached to");
    send_keys(&s, &["observe", "Enter"]);
    wait_for(&s, "flaky@1.idle");
    send_keys(&s, &["q"]);
    send_keys(&s, &["ps", "Enter"]);
    wait_for(&s, "host.shell");
    send_keys(&s, &["quit", "Enter"]);
    wait_for(&s, "EXIT=0");
    tmux(&["kill-session", "-t", &s]);
}

/// `grain observe --nats`: a watcher sees two `grain node`s, each one's processes (one
/// spawned on b from a, linked across), and b marked down with why after a kill -9.
#[test]
fn observer_watches_a_cluster_and_sees_a_killed_node_go_down() {
    use crate::cluster_support::{Member, Nats, cluster_name};
    let grain = env!("CARGO_BIN_EXE_grain");
    let nats = Nats::start();
    let url = nats.url();
    let cluster = cluster_name("watch");
    let dir = temp_dir("observe-cluster");
    let sock = dir.join("a.sock");
    let sock = sock.to_str().unwrap();
    let patient = "3000";
    let a = Member::start(&[
        "node",
        "--nats",
        &url,
        "--cluster",
        &cluster,
        "--name",
        "a",
        "--down-after",
        patient,
        "--control",
        sock,
    ]);
    a.wait_err("control socket");
    let b = Member::node_down_after(&url, &cluster, "b", patient);
    let (ia, ib) = (a.node_id(), b.node_id());

    // A shell session on a spawns a counter on b, linked to it: a remote link.
    let shell = new_session(
        "cluster-shell",
        100,
        30,
        &format!("{grain} shell --attach {sock}; sleep 30"),
    );
    wait_for(&shell, "a.sock>");
    send_keys(&shell, &["load examples/wat/counter.wat", "Enter"]);
    wait_for(&shell, "loaded counter");
    send_keys(&shell, &["c = spawn counter.counter() on b link", "Enter"]);
    wait_for(&shell, &format!("<{ib}.1>"));

    // Attached to a, the observer shows a's cluster too: a node column, the cluster view.
    let attached = new_session(
        "observe-node",
        120,
        30,
        &format!("{grain} observe --attach {sock}; sleep 30"),
    );
    let shown = wait_for(&attached, &format!("cluster {cluster} 2 up"));
    assert!(shown.contains("NODE"), "{shown}");
    send_keys(&attached, &["c"]);
    let nodes = wait_for(&attached, "node ups and downs");
    assert!(nodes.contains("up (this)"), "{nodes}");
    send_keys(&attached, &["q"]);
    tmux(&["kill-session", "-t", &attached]);

    let command = format!(
        "{grain} observe --nats {url} --cluster {cluster} --down-after {patient}; sleep 30"
    );
    let session = new_session("observe-cluster", 120, 30, &command);
    wait_for(&session, &format!("cluster {cluster} 2 up"));
    let shown = wait_for(&session, "counter.counter");
    assert!(
        shown.contains("as a watcher") && shown.contains("NODE"),
        "{shown}"
    );
    let line = |screen: &str, what: &str| {
        screen
            .lines()
            .find(|l| l.contains(what))
            .unwrap_or_default()
            .to_owned()
    };
    // The remote process is in the table with its node, and so is a's session process.
    let counter = line(&shown, "counter.counter");
    assert!(
        counter.contains(&format!("<{ib}.1>")) && counter.contains(" b "),
        "{shown}"
    );
    wait_for(&session, &format!("<{ia}."));

    // The watcher is no node: a lists itself and b only.
    send_keys(&shell, &["nodes", "Enter"]);
    let listed = wait_for(&shell, "(this node)");
    let rows = listed
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(" up"))
        .count();
    assert_eq!(rows, 2, "a and b, no watcher: {listed}");

    // The tree draws the session's link to the counter on b under the session.
    send_keys(&session, &["t"]);
    wait_for(&session, &format!("⇄ <{ib}.1>"));

    // The cluster view: both nodes up; then b is killed and shows as down, with why.
    send_keys(&session, &["c"]);
    let nodes = wait_for(&session, "node ups and downs");
    let row = |screen: &str, id: u64, name: &str| {
        let start = format!("{id:<5} {name} ");
        screen
            .lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(row(&nodes, ia, "a").contains(" up"), "{nodes}");
    assert!(row(&nodes, ib, "b").contains(" up"), "{nodes}");
    b.signal(libc::SIGKILL);
    let down = wait_for(&session, "no heartbeat for");
    let b_row = row(&down, ib, "b");
    assert!(
        b_row.contains("down") && b_row.contains("no heartbeat for"),
        "{down}"
    );
    assert!(down.contains(&format!("nodedown b ({ib})")), "{down}");
    assert!(down.contains("1 up, 1 down"), "{down}");
    send_keys(&session, &["c"]);
    let table = wait_for(&session, "PID");
    assert!(
        !table.contains("counter.counter"),
        "b's rows are gone: {table}"
    );
    send_keys(&session, &["q"]);
    tmux(&["kill-session", "-t", &session]);
    tmux(&["kill-session", "-t", &shell]);
    drop(a);
}

#[test]
fn observer_of_an_unreachable_cluster_says_so_in_one_line() {
    let out = support::run(&["observe", "--nats", "nats://127.0.0.1:1", "--cluster", "x"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("grain: cannot reach NATS at nats://127.0.0.1:1"),
        "{}",
        out.stderr
    );
    let out = support::run(&[
        "observe",
        "--nats",
        "nats://127.0.0.1:1",
        "--cluster",
        "x",
        "--name",
        "n",
    ]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("a watcher, not a node"),
        "{}",
        out.stderr
    );
}

/// Attached over TCP without `--control-allow-changes`, the observer may only look: the
/// header says so and `k` says it cannot kill (no confirmation); the detail asks the node
/// without opening a shell session there; the event log scrolls back and follows again.
#[test]
fn a_look_only_observer_cannot_kill_and_its_detail_opens_no_session() {
    let node = Node::start("examples/wat/flaky.wat", "tcp://127.0.0.1:0", &[]);
    node.wait_for("flaky@1.idle");
    let command = format!(
        "{} observe --attach {} --token {}; sleep 30",
        env!("CARGO_BIN_EXE_grain"),
        node.addr,
        node.token.clone().expect("a TCP node has a token")
    );
    let session = new_session("observe-look-only", 120, 30, &command);
    let first = wait_for(&session, "flaky@1.idle");
    assert!(first.contains("look-only"), "{first}");
    assert!(!first.contains(" k  kill"), "no kill key shown:\n{first}");

    // No shell session on the node (the one `wait_for` opened has gone with its client).
    let no_session = "no process matches the filter \"host.shell\"";
    send_keys(&session, &["\\", "host.shell", "Enter"]);
    wait_for(&session, no_session);
    send_keys(&session, &["Escape"]);

    send_keys(&session, &["\\", "idle", "Enter"]);
    wait_for(&session, "filter: idle");
    send_keys(&session, &["k"]);
    let said = wait_for(&session, "look-only connection: cannot kill");
    assert!(!said.contains("Kill <0."), "{said}");

    // The detail: what the node says, asked without a session.
    send_keys(&session, &["Enter"]);
    wait_for(&session, "traps links");
    std::thread::sleep(Duration::from_millis(1_500));
    send_keys(&session, &["Escape"]);
    wait_for(&session, "MODULE.FUNCTION");
    send_keys(&session, &["Escape"]);
    wait_for(&session, "flaky@1._start");
    send_keys(&session, &["\\", "host.shell", "Enter"]);
    wait_for(&session, no_session);
    send_keys(&session, &["Escape"]);

    // The events follow the newest until scrolled back; End follows again.
    send_keys(&session, &["e"]);
    wait_for(&session, "following the newest");
    send_keys(&session, &["PPage"]);
    wait_for(&session, "scrolled back");
    send_keys(&session, &["End"]);
    wait_for(&session, "following the newest");
    send_keys(&session, &["q"]);
    tmux(&["kill-session", "-t", &session]);
}

/// `T` in the detail view traces the process, locally and attached: flaky's `_start`
/// hears of each crash, spawns and links a new worker; the pane shows it; `T` stops it.
#[test]
fn the_observer_traces_the_process_in_its_detail() {
    let grain = env!("CARGO_BIN_EXE_grain");
    let dir = temp_dir("observe-trace");
    let sock = dir.join("node.sock");
    let node = Node::start("examples/wat/flaky.wat", sock.to_str().unwrap(), &[]);
    node.wait_for("flaky@1.idle");
    for (name, command) in [
        (
            "trace-attached",
            format!("{grain} observe --attach {}; sleep 30", node.addr),
        ),
        (
            "trace-local",
            format!("{grain} observe examples/wat/flaky.wat; sleep 30"),
        ),
    ] {
        let s = new_session(name, 140, 40, &command);
        wait_for(&s, "flaky@1._start");
        send_keys(&s, &["/", "_start", "Enter"]);
        send_keys(&s, &["Enter"]);
        wait_for(&s, "(Esc: back)");
        send_keys(&s, &["T"]);
        wait_for(&s, "(T stops; it stops itself");
        // A crash every 300 ms: the notice, then the new worker spawned and linked.
        let shown = wait_for(&s, "flaky@1.worker");
        assert!(shown.contains("> spawn <0."), "{name}:\n{shown}");
        let linked = wait_for(&s, "> link <0.");
        assert!(linked.contains("> receive from <0."), "{name}:\n{linked}");
        send_keys(&s, &["T"]);
        wait_for(&s, "stopped the trace of <0.");
        wait_for(&s, "(stopped; T traces again)");
        tmux(&["kill-session", "-t", &s]);
    }
}
