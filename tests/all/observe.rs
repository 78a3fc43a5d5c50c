//! The observer data plane: a full snapshot, then deltas; events never block processes.

use std::time::Duration;

use grain::observe::{EventKind, Status, Update};
use grain::{Capture, ExitReason, Output, ProcessConfig, Runtime, RuntimeConfig, Stdio};

use crate::support::{Node, wait, wat};

async fn next(observer: &mut grain::observe::Observer) -> Update {
    tokio::time::timeout(Duration::from_secs(10), observer.next())
        .await
        .expect("an update within 10 s")
        .expect("the stream is open")
}

#[tokio::test]
async fn a_subscriber_gets_a_snapshot_then_deltas_with_exits_and_stats() {
    let node = Node::new();
    let module = node.load(
        r#"(func (export "park") (drop (call $recv_tag (i64.const 1) (i64.const -1))))
           (func (export "crash") unreachable)"#,
    );
    let parked = node
        .rt
        .spawn(&module, "park", &[], ProcessConfig::default())
        .unwrap();
    crate::support::eventually("parked", || parked.stats().status() == Status::Waiting).await;
    parked.send(7, b"queued".to_vec());
    let mut observer = node.rt.observe();
    let Update::Full(snapshot) = next(&mut observer).await else {
        panic!("the first update is a snapshot")
    };
    let row = snapshot
        .processes
        .iter()
        .find(|r| r.pid == parked.pid())
        .expect("row");
    assert_eq!(row.function, "park");
    assert_eq!(row.mailbox_len, 1);
    assert!(row.memory_bytes >= 2 * 65536);
    assert!(row.host_call.is_some());
    assert!(
        snapshot
            .events
            .iter()
            .any(|e| e.pid == parked.pid() && matches!(e.kind, EventKind::Spawned { .. }))
    );

    let crasher = node
        .rt
        .spawn(&module, "crash", &[], ProcessConfig::default())
        .unwrap();
    assert!(wait(&crasher).await.trap().is_some());
    let mut saw_exit = false;
    for _ in 0..50 {
        if let Update::Delta(delta) = next(&mut observer).await {
            saw_exit |= delta.events.iter().any(|e| {
                e.pid == crasher.pid()
                    && matches!(&e.kind, EventKind::Exited { reason } if reason.trap().is_some())
            });
            if saw_exit {
                assert!(delta.totals.exited >= 1);
                break;
            }
        }
    }
    assert!(saw_exit, "the exit reached the observer");
    parked.kill();
    assert_eq!(wait(&parked).await, ExitReason::Killed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_event_channel_drops_events_instead_of_blocking_processes() {
    let config = RuntimeConfig {
        max_processes: 256,
        event_capacity: 4,
        stdio: Stdio {
            stdout: Output::Capture(Capture::new()),
            ..Stdio::default()
        },
        ..RuntimeConfig::default()
    };
    let rt = Runtime::new(config).unwrap();
    let module = rt
        .load("quick", wat(r#"(func (export "quick"))"#).as_bytes())
        .unwrap();
    // Spawning and ending 200 processes emits 400 events into a channel of 4, in one go
    // without yielding, so the aggregator cannot keep up.
    let procs: Vec<_> = (0..200)
        .map(|_| {
            rt.spawn(&module, "quick", &[], ProcessConfig::default())
                .unwrap()
        })
        .collect();
    for p in &procs {
        assert_eq!(wait(p).await, ExitReason::Normal);
    }
    assert!(rt.dropped_events() > 0, "some events were dropped");
}
