//! Hostile guests, continued: floods and oversized messages hit the node's limits, each
//! limit hit is an event observers see, and a neighbour keeps its latency.

use std::time::{Duration, Instant};

use grain::observe::{EventKind, Limit, Observer, Update};
use grain::{ExitReason, Param, ProcessConfig, TrapKind};

use crate::support::{Node, trap_kind, wait};

/// Waits (10 s at most) for a `LimitHit` event about `pid` and returns its limit and value.
async fn limit_event(observer: &mut Observer, pid: grain::Pid) -> (Limit, u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let update = tokio::time::timeout_at(deadline, observer.next())
            .await
            .expect("a limit event within 10 s")
            .expect("the stream is open");
        if let Update::Delta(delta) = update {
            for event in delta.events {
                if let (EventKind::LimitHit { limit, value }, true) = (event.kind, event.pid == pid)
                {
                    return (limit, value);
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_ends_the_receiver_at_the_mailbox_limit_and_the_neighbour_stays_quick() {
    let node = Node::configured(|c| c.max_mailbox = Some(1_000));
    let mut observer = node.rt.observe();
    let module = node.load(
        r#"(func (export "slow") (drop (call $recv_tag (i64.const 1) (i64.const -1))))
           (func (export "flood") (param $to i64)
             (local $i i32)
             (loop $send
               (call $send_i64 (local.get $to) (i64.const 0) (i64.const 0))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br_if $send (i32.lt_u (local.get $i) (i32.const 50000)))))
           (func (export "hello") (call $print_num (i64.const 1)))"#,
    );
    let slow = node
        .rt
        .spawn(&module, "slow", &[], ProcessConfig::default())
        .unwrap();
    let params = [Param::I64(slow.pid().0 as i64)];
    let flood = node
        .rt
        .spawn(&module, "flood", &params, ProcessConfig::default())
        .unwrap();
    // A neighbour spawned mid-flood runs to its end promptly (a generous bound).
    let start = Instant::now();
    let hello = node
        .rt
        .spawn(&module, "hello", &[], ProcessConfig::default())
        .unwrap();
    assert_eq!(wait(&hello).await, ExitReason::Normal);
    let latency = start.elapsed();
    assert!(
        latency < Duration::from_secs(2),
        "the neighbour took {latency:?}"
    );

    let reason = wait(&slow).await;
    assert_eq!(trap_kind(&reason), Some(TrapKind::MailboxLimit), "{reason}");
    assert!(reason.to_string().contains("1000 messages"), "{reason}");
    assert_eq!(wait(&flood).await, ExitReason::Normal);
    assert_eq!(
        limit_event(&mut observer, slow.pid()).await,
        (Limit::Mailbox, 1_000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_larger_than_the_receivers_memory_limit_ends_only_the_receiver() {
    let node = Node::new();
    let mut observer = node.rt.observe();
    // The receiver makes room for the message, as a real guest allocates a buffer.
    let module = node.load(
        r#"(func (export "main")
             (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
             (drop (memory.grow (i32.wrap_i64 (i64.shr_u (call $data_size) (i64.const 16)))))
             (drop (call $read_data (i32.const 65536) (i32.wrap_i64 (call $data_size)))))"#,
    );
    let config = ProcessConfig {
        max_memory: Some(256 << 10),
        ..ProcessConfig::default()
    };
    let receiver = node.rt.spawn(&module, "main", &[], config).unwrap();
    receiver.send(0, vec![7; 16 << 20]);
    let reason = wait(&receiver).await;
    assert_eq!(trap_kind(&reason), Some(TrapKind::MemoryLimit), "{reason}");
    assert_eq!(
        limit_event(&mut observer, receiver.pid()).await,
        (Limit::Memory, 256 << 10)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuel_exhaustion_and_the_process_limit_are_events_too() {
    let node = Node::with_capacity(3);
    let mut observer = node.rt.observe();
    let module = node.load(r#"(func (export "spin") (loop $l (br $l)))"#);
    let config = ProcessConfig {
        max_fuel: Some(1_000_000),
        ..ProcessConfig::default()
    };
    let spinner = node.rt.spawn(&module, "spin", &[], config).unwrap();
    assert_eq!(trap_kind(&wait(&spinner).await), Some(TrapKind::OutOfFuel));
    assert_eq!(
        limit_event(&mut observer, spinner.pid()).await,
        (Limit::Fuel, 1_000_000)
    );
    let _a = node
        .rt
        .spawn(&module, "spin", &[], ProcessConfig::default())
        .unwrap();
    let _b = node
        .rt
        .spawn(&module, "spin", &[], ProcessConfig::default())
        .unwrap();
    let _c = node
        .rt
        .spawn(&module, "spin", &[], ProcessConfig::default())
        .unwrap();
    assert!(
        node.rt
            .spawn(&module, "spin", &[], ProcessConfig::default())
            .is_err()
    );
    assert_eq!(
        limit_event(&mut observer, grain::Pid(0)).await,
        (Limit::Processes, 3)
    );
    node.rt.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_are_not_utf8_are_refused_clearly() {
    let node = Node::new();
    let (reason, _) = node
        .run(
            r#"(import "lunatic::registry" "put" (func $put (param i32 i32 i64 i64)))
               (data (i32.const 2000) "\ff\fe\fd")
               (func (export "main")
                 (call $put (i32.const 2000) (i32.const 3) (i64.const 0) (call $process_id)))"#,
        )
        .await;
    assert_eq!(trap_kind(&reason), Some(TrapKind::HostError), "{reason}");
    assert!(reason.to_string().contains("UTF-8"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_that_kills_itself_in_the_middle_of_a_send_sends_nothing() {
    let node = Node::new();
    let probe = node.rt.spawn_host("probe").unwrap();
    let module = node.load(
        r#"(func (export "main") (param $to i64)
             (call $create_data (i64.const 0) (i64.const 8))
             (drop (call $write_data (i32.const 56) (i32.const 8)))
             (call $kill (call $process_id))
             (drop (call $send (local.get $to))))"#,
    );
    let params = [Param::I64(probe.pid().0 as i64)];
    let p = node
        .rt
        .spawn(&module, "main", &params, ProcessConfig::default())
        .unwrap();
    assert_eq!(wait(&p).await, ExitReason::Killed);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        probe.try_receive(None).is_none(),
        "a half-built message was sent"
    );
}
