//! Host calls from a wasm start function (module init, as AssemblyScript top-level code and
//! Grain's start section compile to): guest memory is there before instantiation ends.

use grain::ExitReason;

use crate::support::{Node, eventually};

#[tokio::test]
async fn a_start_function_sends_a_message_that_main_receives() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (data (i32.const 1024) "sent from the start function")
    (func $init
      ;; write_data reads guest memory: before the fix it trapped with "the module
      ;; exports no memory named memory".
      (call $create_data (i64.const 7) (i64.const 0))
      (drop (call $write_data (i32.const 1024) (i32.const 28)))
      (drop (call $send (call $process_id))))
    (start $init)
    (func (export "main")
      (drop (call $recv_tag (i64.const 7) (i64.const 1000)))
      (drop (call $read_data (i32.const 2048) (i32.wrap_i64 (call $data_size))))
      (call $print (i32.const 2048) (i32.wrap_i64 (call $data_size))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal, "{}", node.stderr.text());
    assert_eq!(out, "sent from the start function\n");
}

#[tokio::test]
async fn a_start_function_prints_through_wasi_and_runs_in_every_process() {
    let node = Node::new();
    let (reason, _) = node
        .run(
            r#"
    (data (i32.const 1024) "init")
    (data (i32.const 1040) "child")
    (func $init (call $print (i32.const 1024) (i32.const 4)))
    (start $init)
    (func (export "child"))
    ;; The spawned child instantiates the module again, so init prints a second time.
    (func (export "main") (drop (call $spawn0 (i64.const 0) (i32.const 1040) (i32.const 5))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal, "{}", node.stderr.text());
    eventually("init printed by both processes", || {
        node.lines() == ["init", "init"]
    })
    .await;
}

#[tokio::test]
async fn a_start_function_reading_out_of_bounds_still_traps_clearly() {
    let node = Node::new();
    let (reason, _) = node
        .run(
            r#"
    (func $init
      (call $create_data (i64.const 0) (i64.const 0))
      (drop (call $write_data (i32.const 0x7fff0000) (i32.const 16))))
    (start $init)
    (func (export "main"))"#,
        )
        .await;
    let message = reason.trap().map(|t| t.message.clone()).unwrap_or_default();
    assert!(message.contains("outside the guest's memory"), "{reason:?}");
}
