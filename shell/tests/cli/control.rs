//! The control socket: who may attach, what an attached shell can do.

use std::os::unix::fs::PermissionsExt;

use grain_shell::control::{Client, ControlError, Endpoint};

use crate::support::{self, Node, temp_dir};

fn unix_node(name: &str) -> (Node, std::path::PathBuf) {
    let dir = temp_dir(name);
    // Others may enter the directory: only the socket's own mode keeps them out.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let sock = dir.join("node.sock");
    let node = Node::start("examples/wat/flaky.wat", sock.to_str().unwrap(), &[]);
    node.wait_for("flaky@1.idle");
    (node, sock)
}

#[test]
fn an_attached_shell_works_on_the_node() {
    let (node, sock) = unix_node("attach");
    let script =
        "ps\nkill #nobody\nobserve\ninfo <0.2>\nkill <0.2>\nps\nw = run examples/wat/hello.wat\nw";
    let out = support::run_with_input(&["shell", "--attach", &node.addr], script);
    let t = &out.stdout;
    assert!(t.contains("grain> ps\n"), "a transcript:\n{t}");
    assert!(
        t.contains("flaky@1._start") && t.contains("flaky@1.idle"),
        "{t}"
    );
    assert!(
        t.contains("flaky@1.idle") && t.contains("parent:      <0.1>"),
        "{t}"
    );
    assert!(t.contains("killed <0.2>"), "{t}");
    let after = &t[t.rfind("grain> ps").unwrap()..];
    assert!(
        !after.contains("flaky@1.idle"),
        "killed on the node:\n{after}"
    );
    assert!(
        t.contains("w = $1 = <0.") && t.contains("grain> w\nw = <0."),
        "bindings live in the session:\n{t}"
    );
    assert!(t.contains("^"), "errors carry their caret:\n{t}");
    assert!(
        t.contains("`observe` would open on the node's terminal"),
        "the node's terminal is not the session's:\n{t}"
    );
    assert_eq!(out.status, 1, "one line failed");
    drop(node);
    // Killed, the node left its socket file behind: the next node replaces it, and a node
    // whose program ends removes its socket.
    assert!(sock.exists());
    let out = support::run(&[
        "run",
        "examples/wat/hello.wat",
        "--control",
        sock.to_str().unwrap(),
    ]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!sock.exists(), "the node removes its socket when it ends");
}

#[test]
fn a_live_nodes_socket_is_not_taken_over() {
    let (node, _) = unix_node("taken");
    let out = support::run(&["run", "examples/wat/hello.wat", "--control", &node.addr]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("a node already listens there"),
        "{}",
        out.stderr
    );
    node.wait_for("flaky@1.idle");
}

#[test]
fn the_unix_socket_is_its_owners_alone() {
    let (node, sock) = unix_node("owner");
    let mode = std::fs::metadata(&sock).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "socket mode");
    let endpoint: Endpoint = node.addr.parse().unwrap();
    let _ok = Client::connect(&endpoint, None).expect("the owner may attach");
    if !support::is_root() {
        eprintln!("not root: cannot act as another user; checked the mode only");
        return;
    }
    // Another user: the file mode refuses them.
    let err = support::as_user(65_534, || Client::connect(&endpoint, None).err());
    match err {
        Some(ControlError::Io { source, .. }) => {
            assert_eq!(source.kind(), std::io::ErrorKind::PermissionDenied)
        }
        other => panic!("expected permission denied, got {other:?}"),
    }
    // Even when the mode is loosened, the node checks who connects.
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o666)).unwrap();
    let err = support::as_user(65_534, || Client::connect(&endpoint, None).err());
    assert!(
        matches!(&err, Some(ControlError::Refused(r)) if r.contains("owner")),
        "{err:?}"
    );
}

#[test]
fn tcp_needs_the_token_and_permission_to_change() {
    let node = Node::start("examples/wat/flaky.wat", "tcp://127.0.0.1:0", &[]);
    node.wait_for("flaky@1.idle");
    let endpoint: Endpoint = node.addr.parse().unwrap();
    let token = node.token.clone().expect("a token is printed");
    assert_eq!(token.len(), 32);
    for bad in [
        None,
        Some("wrong".to_owned()),
        Some(token.replace(&token[..1], "z")),
    ] {
        let err = Client::connect(&endpoint, bad).err();
        assert!(
            matches!(&err, Some(ControlError::Refused(r)) if r.contains("token")),
            "{err:?}"
        );
    }
    let mut c = Client::connect(&endpoint, Some(token.clone())).unwrap();
    assert!(!c.changes);
    let (ps, ok, _) = c.eval("ps").unwrap();
    assert!(
        ok && ps.contains("flaky@1.idle"),
        "looking is allowed:\n{ps}"
    );
    let (text, ok, _) = c.eval("kill <0.2>").unwrap();
    assert!(!ok && text.contains("may only look"), "{text}");
    let (text, ok) = c.kill(grain::Pid(2)).unwrap();
    assert!(!ok && text.contains("may only look"), "{text}");
    assert!(
        c.eval("ps").unwrap().0.contains("flaky@1.idle"),
        "still alive"
    );

    let node = Node::start(
        "examples/wat/flaky.wat",
        "tcp://127.0.0.1:0",
        &["--control-allow-changes"],
    );
    node.wait_for("flaky@1.idle");
    let endpoint: Endpoint = node.addr.parse().unwrap();
    let mut c = Client::connect(&endpoint, node.token.clone()).unwrap();
    assert!(c.changes);
    assert_eq!(
        c.kill(grain::Pid(2)).unwrap(),
        ("killed <0.2>".to_owned(), true)
    );
    let (text, ok, _) = c.eval("info <0.2>").unwrap();
    assert!(ok && text.contains("ended: killed"), "{text}");
}

#[test]
fn a_subscriber_gets_a_snapshot_then_deltas() {
    let (node, _) = unix_node("subscribe");
    let endpoint: Endpoint = node.addr.parse().unwrap();
    let updates = Client::connect(&endpoint, None)
        .unwrap()
        .subscribe()
        .unwrap();
    let first = updates.recv().unwrap();
    let grain::observe::Update::Full(s) = first else {
        panic!("the first update is a snapshot: {first:?}")
    };
    assert!(s.processes.iter().any(|r| r.function == "idle"));
    // The worker crashes every 300 ms: restarts arrive as deltas.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let u = updates.recv().unwrap();
        if let grain::observe::Update::Delta(d) = u
            && d.events
                .iter()
                .any(|e| matches!(e.kind, grain::observe::EventKind::Restarted { .. }))
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no restart seen");
    }
}

#[test]
fn bad_addresses_and_unreachable_nodes_are_one_line_errors() {
    let out = support::run(&["run", "examples/wat/hello.wat", "--control", "http://x"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("bad control address"), "{}", out.stderr);
    let out = support::run(&["shell", "--attach", "/nonexistent/node.sock"]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .contains("cannot connect to /nonexistent/node.sock"),
        "{}",
        out.stderr
    );
    let out = support::run(&["observe", "--attach", "/nonexistent/node.sock"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("cannot connect"), "{}", out.stderr);
}

#[test]
fn killing_the_root_asks_for_force_because_it_ends_the_node() {
    let (mut node, _) = unix_node("root");
    node.wait_for("flaky@1._start");
    let out = support::run_with_input(&["shell", "--attach", &node.addr], "kill <0.1>\n");
    assert!(
        out.stdout.contains("killing <0.1> ends the node") && out.stdout.contains("--force"),
        "{}",
        out.stdout
    );
    assert!(node.is_running(), "a plain kill leaves the node up");
    let out = support::run_with_input(&["shell", "--attach", &node.addr], "kill <0.1> --force\n");
    assert!(out.stdout.contains("killed <0.1>"), "{}", out.stdout);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while node.is_running() {
        assert!(
            std::time::Instant::now() < deadline,
            "the node ended with its root"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
