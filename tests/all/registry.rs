//! The registry: put, get, remove, and get_or_spawn spawning exactly once.

use grain::ExitReason;

use crate::support::{Node, eventually, wait};

const REGISTRY: &str = r#"
    (import "lunatic::registry" "put" (func $put (param i32 i32 i64 i64)))
    (import "lunatic::registry" "get" (func $get (param i32 i32 i32 i32) (result i32)))
    (import "lunatic::registry" "remove" (func $remove (param i32 i32)))
    (import "lunatic::process" "get_or_spawn"
      (func $get_or_spawn (param i32 i32 i64 i64 i64 i32 i32 i32 i32 i32 i32) (result i32)))
    (data (i32.const 1024) "svc")
    (data (i32.const 1040) "service")
    (data (i32.const 1056) "caller")
    (data (i32.const 1072) "spawned")
    (func (export "service")
      (call $print (i32.const 1072) (i32.const 7))
      (drop (call $recv_tag (i64.const 12345) (i64.const -1))))
    ;; Looks up or spawns "svc" and reports the pid to its parent (the argument).
    (func (export "caller") (param $parent i64)
      (drop (call $get_or_spawn (i32.const 1024) (i32.const 3) (i64.const 0) (i64.const -1) (i64.const -1)
        (i32.const 1040) (i32.const 7) (i32.const 32) (i32.const 0) (i32.const 200) (i32.const 208)))
      (call $send_i64 (local.get $parent) (i64.const 0) (i64.load (i32.const 208))))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_or_spawn_under_concurrent_callers_spawns_once() {
    let node = Node::new();
    let body = format!(
        r#"{REGISTRY}
    (func (export "main")
      (local $i i32) (local $first i64) (local $pid i64) (local $same i32)
      (loop $spawn
        (drop (call $spawn_arg (i64.const 0) (i32.const 1056) (i32.const 6) (call $process_id)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $spawn (i32.lt_u (local.get $i) (i32.const 20))))
      (local.set $first (call $recv_i64))
      (local.set $same (i32.const 1))
      (local.set $i (i32.const 1))
      (loop $collect
        (if (i64.ne (call $recv_i64) (local.get $first)) (then (local.set $same (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $collect (i32.lt_u (local.get $i) (i32.const 20))))
      (call $print_num (i64.extend_i32_u (local.get $same))))"#
    );
    let main = node.spawn(&body, "main");
    assert_eq!(wait(&main).await, ExitReason::Normal);
    // The service prints when it gets to run, which may be after `main` has ended: wait
    // until it has printed and parked (a second one would have had as long).
    let svc = node.rt.registry().get("svc").expect("svc registered");
    eventually("the service parks", || {
        node.rt.process(svc).is_some_and(|p| !p.is_busy())
    })
    .await;
    let lines = node.lines();
    assert_eq!(
        lines.iter().filter(|l| *l == "spawned").count(),
        1,
        "{lines:?}"
    );
    assert!(lines.contains(&"1".to_owned()), "{lines:?}");
    assert!(node.rt.process(svc).is_some());
}

#[tokio::test]
async fn put_get_remove_and_names_vanish_with_their_process() {
    let node = Node::new();
    let body = format!(
        r#"{REGISTRY}
    (func (export "main")
      (local $svc i64)
      (local.set $svc (call $spawn0 (i64.const 0) (i32.const 1040) (i32.const 7)))
      (call $put (i32.const 1024) (i32.const 3) (i64.const 0) (local.get $svc))
      (call $print_num (i64.extend_i32_u (call $get (i32.const 1024) (i32.const 3) (i32.const 200) (i32.const 208))))
      (call $print_num (i64.sub (i64.load (i32.const 208)) (local.get $svc)))
      (call $remove (i32.const 1024) (i32.const 3))
      (call $print_num (i64.extend_i32_u (call $get (i32.const 1024) (i32.const 3) (i32.const 200) (i32.const 208))))
      (call $put (i32.const 1024) (i32.const 3) (i64.const 0) (local.get $svc))
      (call $kill (local.get $svc)))"#
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    // "spawned" comes from the service, whenever it gets to run.
    let main_lines: Vec<&str> = out.lines().filter(|l| *l != "spawned").collect();
    assert_eq!(main_lines, ["0", "0", "1"], "{out}");
    eventually("the killed process's name is gone", || {
        node.rt.registry().get("svc").is_none()
    })
    .await;
}

#[tokio::test]
async fn environments_have_their_own_names_and_output() {
    let node = Node::new();
    let module = node.load(&format!(
        r#"{REGISTRY}
    (import "lunatic::process" "environment_id" (func $env_id (result i64)))
    (func (export "claim")
      (call $put (i32.const 1024) (i32.const 3) (i64.const 0) (call $process_id))
      (call $print_num (call $env_id))
      (drop (call $recv_tag (i64.const 12345) (i64.const -1))))"#
    ));
    let (stdio_a, out_a, _) = grain::Stdio::captured();
    let (stdio_b, out_b, _) = grain::Stdio::captured();
    let env_a = node.rt.new_environment(stdio_a);
    let env_b = node.rt.new_environment(stdio_b);
    let cfg = grain::ProcessConfig::root;
    let a = node
        .rt
        .spawn_in(&env_a, &module, "claim", &[], cfg())
        .unwrap();
    let b = node
        .rt
        .spawn_in(&env_b, &module, "claim", &[], cfg())
        .unwrap();
    eventually("both printed", || {
        !out_a.text().is_empty() && !out_b.text().is_empty()
    })
    .await;
    assert_eq!(out_a.text(), format!("{}\n", env_a.id));
    assert_eq!(out_b.text(), format!("{}\n", env_b.id));
    assert_ne!(env_a.id, env_b.id);
    assert!(
        node.rt.registry().get("svc").is_none(),
        "the host's namespace is apart"
    );
    assert_eq!(node.rt.registry().names_of(a.pid()), ["svc"]);
    assert_eq!(node.rt.registry().names_of(b.pid()), ["svc"]);
    a.kill();
    b.kill();
}
