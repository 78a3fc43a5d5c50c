//! Limits and containment: fuel, memory, bad pointers, permissions.

use grain::{ExitReason, ProcessConfig, TrapKind};

use crate::support::{Node, trap_kind, wait};

const GUESTS: &str = r#"
    (func (export "spin") (loop $l (br $l)))
    (func (export "hog")
      (loop $l
        (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable))
        (br $l)))
    (func (export "bad_pointer")
      (call $create_data (i64.const 0) (i64.const 0))
      (drop (call $write_data (i32.const 0xFFFFFFF0) (i32.const 100))))
    (func (export "bad_receive") (drop (call $receive (i32.const 0xFFFFFFF0) (i32.const 100) (i64.const 0))))
    (func (export "no_message") (drop (call $read_data (i32.const 0) (i32.const 4))))
    (func (export "count")
      (local $i i64)
      (loop $l
        (call $sleep_ms (i64.const 1))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br_if $l (i64.lt_u (local.get $i) (i64.const 20))))
      (call $print_num (local.get $i)))
"#;

#[tokio::test]
async fn a_fuel_limited_busy_loop_traps_out_of_fuel() {
    let node = Node::new();
    let module = node.load(GUESTS);
    let config = ProcessConfig {
        max_fuel: Some(1_000_000),
        ..ProcessConfig::default()
    };
    let p = node.rt.spawn(&module, "spin", &[], config).unwrap();
    let reason = wait(&p).await;
    assert_eq!(trap_kind(&reason), Some(TrapKind::OutOfFuel), "{reason:?}");
    assert!(reason.to_string().contains("out of fuel"));
    assert!(p.stats().fuel_used() >= 1_000_000 - 1000);
}

#[tokio::test]
async fn a_memory_hog_hits_its_limit() {
    let node = Node::new();
    let module = node.load(GUESTS);
    let config = ProcessConfig {
        max_memory: Some(4 << 20),
        ..ProcessConfig::default()
    };
    let p = node.rt.spawn(&module, "hog", &[], config).unwrap();
    let reason = wait(&p).await;
    assert_eq!(
        trap_kind(&reason),
        Some(TrapKind::MemoryLimit),
        "{reason:?}"
    );
    assert!(p.stats().memory_bytes() <= 4 << 20);
}

#[tokio::test]
async fn bad_pointers_trap_only_the_offender_and_the_host_keeps_running() {
    let node = Node::new();
    let module = node.load(GUESTS);
    let neighbour = node
        .rt
        .spawn(&module, "count", &[], ProcessConfig::default())
        .unwrap();
    for function in ["bad_pointer", "bad_receive", "no_message"] {
        let p = node
            .rt
            .spawn(&module, function, &[], ProcessConfig::default())
            .unwrap();
        let reason = wait(&p).await;
        assert_eq!(
            trap_kind(&reason),
            Some(TrapKind::HostError),
            "{function}: {reason:?}"
        );
        let message = &reason.trap().unwrap().message;
        assert!(message.starts_with("lunatic::message::"), "{message}");
    }
    assert_eq!(wait(&neighbour).await, ExitReason::Normal);
    assert_eq!(node.stdout.text(), "20\n");
}

#[tokio::test]
async fn spawning_without_permission_traps() {
    let node = Node::new();
    let module = node.load(
        r#"(data (i32.const 1024) "main")
           (func (export "main") (drop (call $spawn0 (i64.const 0) (i32.const 1024) (i32.const 4))))"#,
    );
    let p = node
        .rt
        .spawn(&module, "main", &[], ProcessConfig::default())
        .unwrap();
    let reason = wait(&p).await;
    assert_eq!(trap_kind(&reason), Some(TrapKind::HostError));
    assert!(
        reason
            .trap()
            .unwrap()
            .message
            .contains("no permission to spawn")
    );
}

#[tokio::test]
async fn a_guest_sets_limits_on_the_config_of_its_child() {
    let node = Node::new();
    let body = format!(
        r#"{GUESTS}
    (import "lunatic::process" "create_config" (func $create_config (result i64)))
    (import "lunatic::process" "config_set_max_memory" (func $set_mem (param i64 i64)))
    (import "lunatic::process" "config_get_max_memory" (func $get_mem (param i64) (result i64)))
    (import "lunatic::process" "config_set_max_fuel" (func $set_fuel (param i64 i64)))
    (import "lunatic::process" "config_get_max_fuel" (func $get_fuel (param i64) (result i64)))
    (data (i32.const 1024) "hog")
    (func (export "main")
      (local $config i64) (local $child i64)
      (local.set $config (call $create_config))
      (call $set_mem (local.get $config) (i64.const 2097152))
      (call $set_fuel (local.get $config) (i64.const 50))
      (call $print_num (call $get_mem (local.get $config)))
      (call $print_num (call $get_fuel (local.get $config)))
      (call $die_when_link_dies (i32.const 0))
      (if (call $spawn (i64.const 1) (local.get $config) (i64.const -1)
            (i32.const 1024) (i32.const 3) (i32.const 32) (i32.const 0) (i32.const 24))
        (then unreachable))
      (call $print_num (i64.extend_i32_u (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))))"#
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "2097152\n50\n1\n");
}
