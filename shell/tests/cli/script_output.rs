//! Output a script can trust: `--json` makes stdout carry JSON values only (locally and
//! attached), an attached session knows the node's modules, and an unbuilt guest's error
//! says how to build it.

use crate::support::{self, Node, temp_dir, values};

#[test]
fn json_mode_prints_only_json_values_one_per_line() {
    let script = "load examples/wat/hello.wat\nx = 5\nspawn hello._start()\nps --limit=1\nsend nobody 1\nmodules";
    let out = support::run_with_input(&["shell", "--json"], script);
    assert_eq!(out.status, 1, "one line failed: {}", out.stdout);
    let values = values(&out.stdout);
    assert_eq!(values[0]["name"], "hello", "{values:?}");
    assert_eq!(values[1], serde_json::json!({ "x": "5" }));
    assert!(
        values
            .iter()
            .any(|v| v["output"].as_str() == Some("Hello, grain!\n")),
        "what processes write comes as {{\"output\"}}: {values:?}"
    );
    let ps = values
        .iter()
        .find(|v| v.is_array())
        .expect("ps gives an array");
    let row = &ps[0];
    for field in [
        "pid",
        "status",
        "fuel",
        "memory",
        "mailbox",
        "messages_in",
        "parent",
    ] {
        assert!(row.get(field).is_some(), "ps --json has {field}: {row}");
    }
    assert_eq!(ps.as_array().unwrap().len(), 1, "--limit applies: {ps}");
    let error = values.iter().find(|v| v.get("error").is_some()).unwrap();
    assert_eq!(error["input"], "send nobody 1");
    assert_eq!(error["column"], 6, "{error}");
}

#[test]
fn an_attached_json_session_is_json_too_and_knows_the_nodes_modules() {
    let dir = temp_dir("attach-json");
    let sock = dir.join("node.sock");
    let node = Node::start("examples/wat/flaky.wat", sock.to_str().unwrap(), &[]);
    node.wait_for("flaky@1.idle");
    let out = support::run_with_input(
        &["shell", "--attach", &node.addr, "--json"],
        "modules\nps --filter=flaky\nspawn nothing.here()",
    );
    let values = values(&out.stdout);
    let modules = values[0].as_array().expect("modules gives an array");
    assert!(
        modules.iter().any(|m| m["name"] == "flaky"),
        "the program's module is known to the session: {modules:?}"
    );
    assert!(
        values[1].as_array().is_some_and(|a| a.len() >= 2),
        "{values:?}"
    );
    assert!(values[2].get("error").is_some(), "{values:?}");
    assert_eq!(out.status, 1);
}

#[test]
fn an_unbuilt_guest_says_how_to_build_it() {
    let dir = temp_dir("unbuilt-guest");
    let guests = dir.join("examples/guests");
    std::fs::create_dir_all(guests.join("src")).unwrap();
    std::fs::write(guests.join("Cargo.toml"), "[package]\nname = \"g\"\n").unwrap();
    let wasm = guests.join("target/wasm32-wasip1/release/inbox.wasm");
    let out = support::run(&["run", wasm.to_str().unwrap()]);
    assert_ne!(out.status, 0);
    assert!(
        out.stderr.contains("the Rust guests are not built")
            && out.stderr.contains("cargo build --release"),
        "{}",
        out.stderr
    );
    let out = support::run_with_input(&["shell"], &format!("load {}", wasm.display()));
    assert!(
        out.stdout.contains("the Rust guests are not built"),
        "{}",
        out.stdout
    );
}
