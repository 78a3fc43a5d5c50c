//! The shell's `trace`: text and `--json` events, the rails' stop lines, errors under the
//! fault, and the same over `--attach`.

use crate::support::{self, Node, values};

#[test]
fn a_traced_relay_in_json_and_the_limit_line() {
    let script = "load examples/wat/relay.wat\nr = spawn relay.relay(self)\n\
                  trace r --receive --send --limit 3\nsend r b\"abc\" as raw --tag=5\n\
                  receive 2000\nsend r b\"again\" as raw --tag=6\nreceive 2000\ntrace";
    let out = support::run_with_input(&["shell", "--json"], script);
    assert_eq!(out.status, 0, "{}{}", out.stdout, out.stderr);
    let values = values(&out.stdout);
    let events: Vec<&serde_json::Value> = values.iter().filter_map(|v| v.get("trace")).collect();
    let started = events
        .iter()
        .find(|e| e.is_number())
        .expect("the trace's id");
    assert_eq!(**started, 1);
    let traced: Vec<&&serde_json::Value> = events.iter().filter(|e| e.is_object()).collect();
    let kinds: Vec<&str> = traced.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["receive", "send", "receive"], "{values:?}");
    assert_eq!(traced[0]["tag"], 5);
    assert_eq!(traced[0]["size"], 3);
    assert_eq!(traced[0]["head"], serde_json::json!([97, 98, 99]));
    assert_eq!(traced[0]["preview"], "\"abc\"");
    assert_eq!(traced[0]["pid"], traced[1]["pid"]);
    assert!(traced[0]["pid"].is_u64() && traced[0]["at_us"].is_u64());
    assert_eq!(
        traced[1]["peer"], traced[0]["peer"],
        "sent back to the shell"
    );
    let stop = values
        .iter()
        .find(|v| v.get("trace_stopped").is_some())
        .expect("a stop line");
    assert_eq!(stop["why"], "reached its limit of 3 events", "{stop}");
    assert_eq!(
        values.last().unwrap(),
        &serde_json::json!([]),
        "no traces left"
    );
}

#[test]
fn trace_errors_point_at_the_fault() {
    let script = "load examples/wat/counter.wat\nc = spawn counter.counter()\n\
                  trace c --limit 0\ntrace nothing\ntrace off c\ntrace c --rate fast";
    let out = support::run_with_input(&["shell"], script);
    assert_eq!(out.status, 1, "{}", out.stdout);
    for expected in [
        "a trace needs a limit of at least 1",
        "no module nothing is loaded or running",
        "no trace of <0.2> is running",
        "expected a rate, like 100/s",
    ] {
        assert!(
            out.stdout.contains(expected),
            "{expected:?} in {}",
            out.stdout
        );
    }
    // The caret sits under the argument at fault.
    assert!(
        out.stdout.contains("trace nothing\n      ^"),
        "{}",
        out.stdout
    );
}

#[test]
fn trace_over_attach_works_as_at_home() {
    let dir = support::temp_dir("trace-attach");
    let sock = dir.join("node.sock");
    let node = Node::start("examples/wat/flaky.wat", sock.to_str().unwrap(), &[]);
    node.wait_for("flaky@1.idle");
    // _start hears of each crash (every 300 ms), then spawns and links a new worker.
    let script = "trace <0.1> --spawn --limit 2\nwait <0.1> 1000\ntrace";
    let out = support::run_with_input(&["shell", "--attach", &node.addr], script);
    assert!(
        out.stdout.contains("<0.1> spawn <0.") && out.stdout.contains("flaky@1.worker"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("<0.1> link <0."), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("trace of <0.1> stopped: reached its limit of 2 events"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("no traces"), "{}", out.stdout);
}
