//! No loss: a million messages across a thousand senders and ten receivers each arrive
//! exactly once and, per sender-receiver pair, in order. Every receiver checks every message
//! against the next sequence number it expects from that sender and traps on any gap,
//! duplicate or reordering.

use grain::ExitReason;

use crate::support::{Node, eventually};

const RECEIVERS: usize = 10;
const SENDERS_PER_RECEIVER: i64 = 100;
const MESSAGES_PER_SENDER: i64 = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_messages_arrive_exactly_once_and_in_order_per_pair() {
    let node = Node::with_capacity(2_000);
    let body = format!(
        r#"
    (data (i32.const 2000) "receiver")
    (data (i32.const 2016) "sender")
    ;; arg = receiver pid << 16 | index; sends (index, seq) for seq = 0 .. M-1.
    (func (export "sender") (param $arg i64)
      (local $to i64) (local $seq i64)
      (local.set $to (i64.shr_u (local.get $arg) (i64.const 16)))
      (loop $send
        (call $create_data (i64.const 0) (i64.const 16))
        (i64.store (i32.const 1000) (i64.and (local.get $arg) (i64.const 0xffff)))
        (i64.store (i32.const 1008) (local.get $seq))
        (drop (call $write_data (i32.const 1000) (i32.const 16)))
        (drop (call $send (local.get $to)))
        (local.set $seq (i64.add (local.get $seq) (i64.const 1)))
        (br_if $send (i64.lt_u (local.get $seq) (i64.const {m})))))
    ;; arg = main pid << 32 | senders. Expects M messages from each sender, in order.
    (func (export "receiver") (param $arg i64)
      (local $left i64) (local $slot i32) (local $i i32) (local $senders i32)
      (local.set $senders (i32.wrap_i64 (i64.and (local.get $arg) (i64.const 0xffffffff))))
      (local.set $left (i64.mul (i64.extend_i32_u (local.get $senders)) (i64.const {m})))
      (loop $take
        (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
        (if (i64.ne (call $data_size) (i64.const 16)) (then unreachable))
        (drop (call $read_data (i32.const 1000) (i32.const 16)))
        (local.set $slot (i32.add (i32.const 4096)
          (i32.shl (i32.wrap_i64 (i64.load (i32.const 1000))) (i32.const 3))))
        ;; the sequence number must be exactly the next one expected from that sender
        (if (i64.ne (i64.load (i32.const 1008)) (i64.load (local.get $slot))) (then unreachable))
        (i64.store (local.get $slot) (i64.add (i64.load (local.get $slot)) (i64.const 1)))
        (local.set $left (i64.sub (local.get $left) (i64.const 1)))
        (br_if $take (i64.ne (local.get $left) (i64.const 0))))
      ;; and every sender's count is complete
      (loop $check
        (if (i64.ne (i64.load (i32.add (i32.const 4096) (i32.shl (local.get $i) (i32.const 3))))
                    (i64.const {m}))
          (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $check (i32.lt_u (local.get $i) (local.get $senders))))
      (call $send_i64 (i64.shr_u (local.get $arg) (i64.const 32)) (i64.const 0)
        (i64.mul (i64.extend_i32_u (local.get $senders)) (i64.const {m}))))
    (func (export "main")
      (local $r i32) (local $s i64) (local $receiver i64)
      (loop $receivers
        ;; linked: a receiver that finds a fault traps, and takes main with it
        (local.set $receiver (call $spawn_arg (i64.const 1) (i32.const 2000) (i32.const 8)
          (i64.or (i64.shl (call $process_id) (i64.const 32)) (i64.const {s}))))
        (local.set $s (i64.const 0))
        (loop $senders
          (drop (call $spawn_arg (i64.const 0) (i32.const 2016) (i32.const 6)
            (i64.or (i64.shl (local.get $receiver) (i64.const 16)) (local.get $s))))
          (local.set $s (i64.add (local.get $s) (i64.const 1)))
          (br_if $senders (i64.lt_u (local.get $s) (i64.const {s}))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $receivers (i32.lt_u (local.get $r) (i32.const {r}))))
      (local.set $r (i32.const 0))
      (loop $done
        (call $print_num (call $recv_i64))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $done (i32.lt_u (local.get $r) (i32.const {r})))))"#,
        m = MESSAGES_PER_SENDER,
        s = SENDERS_PER_RECEIVER,
        r = RECEIVERS,
    );
    let (reason, _) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    let per_receiver = (SENDERS_PER_RECEIVER * MESSAGES_PER_SENDER).to_string();
    assert_eq!(node.lines(), vec![per_receiver; RECEIVERS]);
    // Every process ends: nothing is stuck waiting for a message it never got.
    eventually("every process ends", || node.rt.process_count() == 0).await;
}
