//! Mailboxes: sending, selective receive, timeouts, the request/response fast path.

use grain::ExitReason;

use crate::support::{Node, eventually};

#[tokio::test]
async fn selective_receive_takes_the_matching_message_and_leaves_the_rest_queued() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (func (export "main")
      (local $me i64)
      (local.set $me (call $process_id))
      (call $send_i64 (local.get $me) (i64.const 1) (i64.const 10))
      (call $send_i64 (local.get $me) (i64.const 2) (i64.const 20))
      (call $send_i64 (local.get $me) (i64.const 3) (i64.const 30))
      ;; Take tag 3 first: 1 and 2 stay queued, in order.
      (drop (call $recv_tag (i64.const 3) (i64.const -1)))
      (drop (call $read_data (i32.const 56) (i32.const 8)))
      (call $print_num (i64.load (i32.const 56)))
      (call $print_num (call $recv_i64))
      (call $print_num (call $recv_i64)))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "30\n10\n20\n");
}

#[tokio::test]
async fn a_parked_selective_receive_leaves_other_messages_in_the_mailbox() {
    let node = Node::new();
    let p = node.spawn(
        r#"(func (export "main") (drop (call $recv_tag (i64.const 99) (i64.const -1))))"#,
        "main",
    );
    p.send(1, b"one".to_vec());
    p.send(2, b"two".to_vec());
    eventually("both messages queued", || p.mailbox_len() == 2).await;
    let tags = p.peek_mailbox(|q| q.iter().map(|m| m.tag()).collect::<Vec<_>>());
    assert_eq!(tags, [Some(1), Some(2)]);
    p.send(99, Vec::new());
    assert_eq!(crate::support::wait(&p).await, ExitReason::Normal);
}

#[tokio::test]
async fn receive_with_a_timeout_returns_9027() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"(func (export "main")
                 (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 5) (i64.const 20)))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "9027\n");
}

#[tokio::test]
async fn a_message_to_a_dead_process_is_dropped_without_error() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"(func (export "main")
                 (call $create_data (i64.const 0) (i64.const 0))
                 (call $print_num (i64.extend_i32_u (call $send (i64.const 987654))))
                 (call $print_num (i64.extend_i32_u (call $exists (i64.const 987654)))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "0\n0\n");
}

#[tokio::test]
async fn processes_exchange_messages_and_know_the_sender() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (data (i32.const 1024) "echo")
    ;; Replies to the pid in the message with the value plus one.
    (func (export "echo")
      (local $from i64)
      (local.set $from (call $recv_i64))
      (call $send_i64 (local.get $from) (i64.const 0) (i64.add (local.get $from) (i64.const 1))))
    (func (export "main")
      (local $child i64) (local $me i64)
      (local.set $me (call $process_id))
      (local.set $child (call $spawn0 (i64.const 0) (i32.const 1024) (i32.const 4)))
      (call $send_i64 (local.get $child) (i64.const 0) (local.get $me))
      (call $print_num (i64.sub (call $recv_i64) (local.get $me)))
      (call $print_num (i64.extend_i32_u (i64.eq (call $data_size) (i64.const 8)))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "1\n1\n");
}

#[tokio::test]
async fn send_receive_skip_search_gets_the_tagged_reply() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (import "lunatic::message" "send_receive_skip_search"
      (func $send_receive (param i64 i64 i64) (result i32)))
    (data (i32.const 1024) "server")
    ;; Answers each request (the requester's pid) with tag 77 and the value 42.
    (func (export "server")
      (loop $serve
        (call $send_i64 (call $recv_i64) (i64.const 77) (i64.const 42))
        (br $serve)))
    (func (export "main")
      (local $server i64)
      (local.set $server (call $spawn0 (i64.const 0) (i32.const 1024) (i32.const 6)))
      (call $create_data (i64.const 0) (i64.const 8))
      (i64.store (i32.const 56) (call $process_id))
      (drop (call $write_data (i32.const 56) (i32.const 8)))
      (call $print_num (i64.extend_i32_u
        (call $send_receive (local.get $server) (i64.const 77) (i64.const 5000))))
      (drop (call $read_data (i32.const 56) (i32.const 8)))
      (call $print_num (i64.load (i32.const 56)))
      (call $kill (local.get $server)))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "0\n42\n");
}

#[tokio::test]
async fn the_host_can_send_to_a_process() {
    let node = Node::new();
    let p = node.spawn(
        r#"(func (export "main") (call $print_num (call $recv_i64)))"#,
        "main",
    );
    p.send(0, 1234i64.to_le_bytes().to_vec());
    assert_eq!(crate::support::wait(&p).await, ExitReason::Normal);
    assert_eq!(node.stdout.text(), "1234\n");
}
