//! Timers: send_after, cancel_timer, sleep_ms.

use std::time::{Duration, Instant};

use grain::ExitReason;

use crate::support::Node;

#[tokio::test]
async fn send_after_delivers_later_and_cancel_timer_stops_delivery() {
    let node = Node::new();
    let body = r#"
    (import "lunatic::timer" "send_after" (func $send_after (param i64 i64) (result i64)))
    (import "lunatic::timer" "cancel_timer" (func $cancel_timer (param i64) (result i32)))
    (func (export "main")
      (local $me i64) (local $cancelled i64)
      (local.set $me (call $process_id))
      (call $create_data (i64.const 1) (i64.const 0))
      (drop (call $send_after (local.get $me) (i64.const 30)))
      (call $create_data (i64.const 2) (i64.const 0))
      (local.set $cancelled (call $send_after (local.get $me) (i64.const 10)))
      (call $print_num (i64.extend_i32_u (call $cancel_timer (local.get $cancelled))))
      (call $print_num (i64.extend_i32_u (call $cancel_timer (local.get $cancelled))))
      ;; Nothing yet after 5 ms, then tag 1 arrives, and tag 2 never does.
      (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 1) (i64.const 5))))
      (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 1) (i64.const 5000))))
      (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 2) (i64.const 50)))))"#;
    let (reason, out) = node.run(body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "1\n0\n9027\n0\n9027\n");
}

#[tokio::test]
async fn sleep_ms_sleeps() {
    let node = Node::new();
    let start = Instant::now();
    let (reason, _) = node
        .run(r#"(func (export "main") (call $sleep_ms (i64.const 40)))"#)
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert!(start.elapsed() >= Duration::from_millis(40));
}
