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
async fn events_beyond_the_capacity_between_two_deltas_are_dropped_not_waited_for() {
    let config = RuntimeConfig {
        max_processes: 256,
        event_capacity: 4,
        // No delta comes during the test: everything emitted waits for the next one.
        observe_interval: Duration::from_secs(600),
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
    let mut observer = rt.observe();
    assert!(matches!(next(&mut observer).await, Update::Full(_)));
    // Spawning and ending 200 processes emits 400 events for a delta that holds 4: the
    // processes do not wait for the observer, the surplus is counted.
    let procs: Vec<_> = (0..200)
        .map(|_| {
            rt.spawn(&module, "quick", &[], ProcessConfig::default())
                .unwrap()
        })
        .collect();
    for p in &procs {
        assert_eq!(wait(p).await, ExitReason::Normal);
    }
    assert_eq!(rt.dropped_events(), 400 - 4);
}

#[tokio::test]
async fn nobody_watching_drops_nothing_and_a_late_subscriber_gets_the_recent_history() {
    let node = Node::new();
    let module = node.load(r#"(func (export "quick"))"#);
    for _ in 0..3 {
        let p = node
            .rt
            .spawn(&module, "quick", &[], ProcessConfig::default())
            .unwrap();
        assert_eq!(wait(&p).await, ExitReason::Normal);
    }
    assert_eq!(node.rt.dropped_events(), 0);
    let mut observer = node.rt.observe();
    let Update::Full(snapshot) = next(&mut observer).await else {
        panic!("a snapshot first");
    };
    let spawned = snapshot
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Spawned { .. }))
        .count();
    assert_eq!(spawned, 3);
    assert_eq!(snapshot.exits.len(), 3);
}

/// A row's memory is its linear memory and its queued messages (as `ps` counts it); a
/// supervised child's row carries its child id; the totals count every process's memory
/// and the node's resident set.
#[tokio::test]
async fn rows_count_queued_messages_and_name_their_child_id_totals_count_the_node() {
    use grain::supervisor::{ChildSpec, Intensity, Strategy, SupervisorSpec};
    let node = Node::new();
    let module =
        node.load(r#"(func (export "park") (drop (call $recv_tag (i64.const 1) (i64.const -1))))"#);
    let parked = node
        .rt
        .spawn(&module, "park", &[], ProcessConfig::default())
        .unwrap();
    crate::support::eventually("parked", || parked.stats().status() == Status::Waiting).await;
    for _ in 0..4 {
        parked.send(7, vec![0; 10_000]);
    }
    let spec = SupervisorSpec {
        strategy: Strategy::OneForOne,
        intensity: Intensity {
            max_restarts: 3,
            period: Duration::from_secs(5),
        },
        children: vec![ChildSpec::worker("keeper", &module, "park")],
    };
    let sup = node.rt.start_supervisor(spec, None).unwrap();
    let child = sup.info().children[0].pid.expect("started");
    let mut observer = node.rt.observe();
    let Update::Full(snapshot) = next(&mut observer).await else {
        panic!("the first update is a snapshot")
    };
    let row = |pid| {
        snapshot
            .processes
            .iter()
            .find(|r| r.pid == pid)
            .expect("row")
    };
    let p = row(parked.pid());
    assert_eq!(p.memory_bytes, parked.memory_total());
    assert!(p.mailbox_bytes >= 40_000, "{}", p.mailbox_bytes);
    assert_eq!(
        p.memory_bytes,
        parked.stats().memory_bytes() + p.mailbox_bytes
    );
    assert_eq!(p.child_id, None);
    assert_eq!(row(child).child_id.as_deref(), Some("keeper"));
    let sum: u64 = snapshot.processes.iter().map(|r| r.memory_bytes).sum();
    assert_eq!(snapshot.totals.memory_bytes, sum);
    if cfg!(target_os = "linux") {
        assert!(
            snapshot.totals.rss_bytes > sum,
            "the node holds more than its processes"
        );
    }
    parked.kill();
}
