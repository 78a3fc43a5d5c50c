//! Scale: a hundred thousand parked processes on the kernel's default limits, with the
//! runtime answering while they wait. Not a timing test: the deadlines only catch hangs.

use std::time::Duration;

use grain::observe::Status;
use grain::{ExitReason, ProcessConfig};

use crate::support::{Node, wait};

const PARKED: usize = 100_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_parked_processes_spawn_answer_and_die() {
    let node = Node::with_capacity(PARKED + 16);
    let module = node.load(
        r#"(func (export "parked") (call $print_num (call $recv_i64)))
           (func (export "hello") (call $print_num (i64.const 42)))"#,
    );
    let parked: Vec<_> = (0..PARKED)
        .map(|i| {
            node.rt
                .spawn(&module, "parked", &[], ProcessConfig::default())
                .unwrap_or_else(|e| panic!("spawn {i} failed: {e}"))
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
    for p in &parked {
        while p.stats().status() != Status::Waiting {
            assert!(tokio::time::Instant::now() < deadline, "{p:?} never parked");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    assert_eq!(node.rt.process_count(), PARKED);

    // The runtime still answers: a new process runs to its end, and one parked process in
    // the middle of the crowd wakes for its message and finishes.
    let hello = node
        .rt
        .spawn(&module, "hello", &[], ProcessConfig::default())
        .unwrap();
    assert_eq!(wait(&hello).await, ExitReason::Normal);
    let woken = &parked[PARKED / 2];
    woken.send(0, 7i64.to_le_bytes().to_vec());
    assert_eq!(wait(woken).await, ExitReason::Normal);
    assert_eq!(node.lines(), ["42", "7"]);

    for p in &parked {
        p.kill();
    }
    for (i, p) in parked.iter().enumerate() {
        let expected = if i == PARKED / 2 {
            ExitReason::Normal
        } else {
            ExitReason::Killed
        };
        assert_eq!(wait(p).await, expected);
    }
    assert_eq!(node.rt.process_count(), 0);
}
