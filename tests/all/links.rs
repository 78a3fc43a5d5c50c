//! Links, link tags, trapping link deaths, monitors, kill.

use grain::{ExitReason, Pid};

use crate::support::{Node, trap_kind, wait};

const CRASHER: &str = r#"
    (data (i32.const 1024) "crash")
    (data (i32.const 1040) "quit")
    (data (i32.const 1056) "park")
    (func (export "crash") (call $sleep_ms (i64.const 10)) unreachable)
    (func (export "quit") (call $sleep_ms (i64.const 10)))
    (func (export "park") (drop (call $recv_tag (i64.const 12345) (i64.const -1))))
"#;

#[tokio::test]
async fn a_trap_kills_the_linked_parent() {
    let node = Node::new();
    let body = format!(
        r#"{CRASHER}
        (func (export "main")
          (drop (call $spawn0 (i64.const 7) (i32.const 1024) (i32.const 5)))
          (drop (call $recv_tag (i64.const 12345) (i64.const -1))))"#
    );
    let (reason, _) = node.run(&body).await;
    assert!(
        matches!(reason, ExitReason::LinkDied { .. }),
        "got {reason:?}"
    );
}

#[tokio::test]
async fn a_process_that_traps_link_deaths_gets_a_message_with_the_link_tag() {
    let node = Node::new();
    let body = format!(
        r#"{CRASHER}
        (func (export "main")
          (local $child i64)
          (call $die_when_link_dies (i32.const 0))
          (local.set $child (call $spawn0 (i64.const 7) (i32.const 1024) (i32.const 5)))
          (call $print_num (i64.extend_i32_u (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))
          (call $print_num (call $get_tag))
          (call $print_num (i64.sub (call $get_process_id) (local.get $child))))"#
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "1\n7\n0\n");
}

#[tokio::test]
async fn a_normal_exit_does_not_kill_links() {
    let node = Node::new();
    let body = format!(
        r#"{CRASHER}
        (func (export "main")
          (drop (call $spawn0 (i64.const 7) (i32.const 1040) (i32.const 4)))
          (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 1) (i64.const 100)))))"#
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "9027\n");
}

#[tokio::test]
async fn monitors_get_a_notice_and_never_die() {
    let node = Node::new();
    let body = format!(
        r#"{CRASHER}
        (func (export "main")
          (local $child i64)
          (local.set $child (call $spawn0 (i64.const 0) (i32.const 1024) (i32.const 5)))
          (call $monitor (local.get $child))
          (call $print_num (i64.extend_i32_u (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))
          (call $print_num (i64.sub (call $get_process_id) (local.get $child)))
          ;; Monitoring a process that is already gone reports it at once.
          (call $monitor (i64.const 999999))
          (call $print_num (i64.extend_i32_u (call $receive (i32.const 0) (i32.const 0) (i64.const 1000))))
          (call $print_num (call $get_process_id)))"#
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "2\n0\n2\n999999\n");
}

#[tokio::test]
async fn linking_to_a_dead_process_is_a_link_death() {
    let node = Node::new();
    let body = r#"(func (export "main")
          (call $die_when_link_dies (i32.const 0))
          (call $link (i64.const 3) (i64.const 999999))
          (call $print_num (i64.extend_i32_u (call $receive (i32.const 0) (i32.const 0) (i64.const 1000))))
          (call $print_num (call $get_tag)))"#;
    let (reason, out) = node.run(body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "1\n3\n");
}

#[tokio::test]
async fn unlink_stops_a_crash_from_spreading() {
    let node = Node::new();
    let body = format!(
        r#"{CRASHER}
        (func (export "main")
          (local $child i64)
          (local.set $child (call $spawn0 (i64.const 7) (i32.const 1024) (i32.const 5)))
          (call $unlink (local.get $child))
          (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 1) (i64.const 100)))))"#
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "9027\n");
}

#[tokio::test]
async fn kill_ends_a_process_and_fails_its_links() {
    let node = Node::new();
    let parked = node.spawn(CRASHER, "park");
    let body = format!(
        r#"{CRASHER}
        (func (export "main")
          (call $die_when_link_dies (i32.const 0))
          (call $link (i64.const 9) (i64.const {pid}))
          (call $kill (i64.const {pid}))
          (call $print_num (i64.extend_i32_u (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))
          (call $print_num (call $get_tag)))"#,
        pid = parked.pid().id()
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "1\n9\n");
    assert_eq!(wait(&parked).await, ExitReason::Killed);
}

#[tokio::test]
async fn links_are_visible_from_the_host_and_vanish_at_exit() {
    let node = Node::new();
    let module = node.load(CRASHER);
    let a = node
        .rt
        .spawn(&module, "park", &[], grain::ProcessConfig::root())
        .unwrap();
    let b = node
        .rt
        .spawn_linked(
            &module,
            "park",
            &[],
            grain::ProcessConfig::root(),
            Some((a.pid(), 4)),
        )
        .unwrap();
    assert_eq!(a.links(), [(b.pid(), Some(4))]);
    assert_eq!(b.links(), [(a.pid(), Some(4))]);
    b.kill();
    assert_eq!(wait(&b).await, ExitReason::Killed);
    assert_eq!(wait(&a).await, ExitReason::LinkDied { pid: b.pid() });
    assert!(node.rt.process(a.pid()).is_none());
    assert!(!node.rt.kill(Pid(a.pid().id())));
}

#[tokio::test]
async fn a_trap_in_a_child_is_reported_with_kind_and_backtrace() {
    let node = Node::new();
    let p = node.spawn(CRASHER, "crash");
    let reason = wait(&p).await;
    assert_eq!(trap_kind(&reason), Some(grain::TrapKind::Unreachable));
    let trap = reason.trap().unwrap();
    assert!(!trap.backtrace.is_empty());
}

#[tokio::test]
async fn a_process_that_kills_itself_ends_at_once_as_killed() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"(func (export "main")
                 (call $kill (call $process_id))
                 (call $print_num (i64.const 1)))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Killed);
    assert_eq!(out, "");
}
