//! Preemption: busy processes never starve a sleeper, and a guest blocked in WASI never
//! blocks a worker thread.

use std::time::{Duration, Instant};

use grain::{ExitReason, ProcessConfig};

use crate::support::{Node, wait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_busy_loops_do_not_stop_a_sleeper_from_waking_on_time() {
    let node = Node::new();
    let module = node.load(
        r#"(func (export "spin") (loop $l (br $l)))
           (func (export "sleeper") (call $sleep_ms (i64.const 50)))"#,
    );
    let spinners: Vec<_> = (0..50)
        .map(|_| {
            node.rt
                .spawn(&module, "spin", &[], ProcessConfig::default())
                .unwrap()
        })
        .collect();
    // Every spinner gets the CPU (and is seen using fuel) within a bounded time.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !spinners.iter().all(|s| s.stats().fuel_used() > 0) {
        assert!(Instant::now() < deadline, "a spinner never ran");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let start = Instant::now();
    let sleeper = node
        .rt
        .spawn(&module, "sleeper", &[], ProcessConfig::default())
        .unwrap();
    assert_eq!(wait(&sleeper).await, ExitReason::Normal);
    let took = start.elapsed();
    // Generous: 50 ms of sleep, on a loaded 2-core machine.
    assert!(took < Duration::from_secs(2), "the sleeper took {took:?}");
    for s in &spinners {
        assert!(s.is_alive());
        s.kill();
    }
    for s in &spinners {
        assert_eq!(wait(s).await, ExitReason::Killed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_sleeping_in_wasi_does_not_delay_another_process() {
    let node = Node::new();
    let module = node.load(
        r#"
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
    ;; Sleeps 2 s through WASI (a clock subscription), like std::thread::sleep does.
    (func (export "wasi_sleep")
      (i64.store (i32.const 1024) (i64.const 0))          ;; userdata
      (i32.store8 (i32.const 1032) (i32.const 0))         ;; tag: clock
      (i32.store (i32.const 1040) (i32.const 1))          ;; clock id: monotonic
      (i64.store (i32.const 1048) (i64.const 2000000000)) ;; timeout ns
      (i64.store (i32.const 1056) (i64.const 0))          ;; precision
      (i32.store16 (i32.const 1064) (i32.const 0))        ;; flags: relative
      (drop (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 1) (i32.const 2100))))
    (func (export "timer") (call $sleep_ms (i64.const 20)))"#,
    );
    let sleepers: Vec<_> = (0..4)
        .map(|_| {
            node.rt
                .spawn(&module, "wasi_sleep", &[], ProcessConfig::default())
                .unwrap()
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let start = Instant::now();
    let timer = node
        .rt
        .spawn(&module, "timer", &[], ProcessConfig::default())
        .unwrap();
    assert_eq!(wait(&timer).await, ExitReason::Normal);
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        start.elapsed()
    );
    assert!(sleepers.iter().all(|s| s.is_alive()));
    for s in &sleepers {
        assert_eq!(wait(s).await, ExitReason::Normal);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_starts_at_its_parents_next_yield_point_even_with_a_core_free() {
    // One long slice: the parent's spin below is all one slice.
    let node = Node::configured(|c| c.time_slice = Duration::from_secs(5));
    let (reason, out) = node
        .run(
            r#"
    (data (i32.const 2000) "child")
    (func (export "child") (param $parent i64)
      (call $send_i64 (local.get $parent) (i64.const 7) (i64.const 1)))
    (func (export "main")
      (local $i i32)
      (drop (call $spawn_arg (i64.const 0) (i32.const 2000) (i32.const 5) (call $process_id)))
      ;; Some milliseconds of compute without a host call, while the other core idles.
      (loop $spin
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $spin (i32.lt_u (local.get $i) (i32.const 1000000))))
      ;; Not started yet: a receive that does not wait times out (9027).
      (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 7) (i64.const 0))))
      ;; The receive was a yield point: now it starts and says hello (0: a data message).
      (call $print_num (i64.extend_i32_u (call $recv_tag (i64.const 7) (i64.const 5000)))))
"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "9027\n0\n");
}

/// What a parent does right after a spawn comes first wherever the spawn falls in its
/// slice: with slices of a few microseconds, many spawns fall just before a slice end, and
/// a child that started at that slice end ended (normally) before its parent's kill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_right_after_spawn_link_always_lands_first() {
    let node = Node::configured(|c| c.time_slice = Duration::from_micros(20));
    let (reason, out) = node
        .run(
            r#"
    (data (i32.const 2000) "child")
    (func (export "child"))
    ;; A little work between the spawn and the kill (a slice can end in it): some
    ;; thousands of instructions, within the parent's head start of 10,000.
    (func $work (param $pid i64) (result i64)
      (local $n i32)
      (loop $l
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $n) (i32.const 500))))
      (local.get $pid))
    (func (export "main")
      (local $i i32) (local $killed i32)
      (call $die_when_link_dies (i32.const 0))
      (loop $again
        (call $kill (call $work (call $spawn0 (i64.const 1) (i32.const 2000) (i32.const 5))))
        ;; A killed child's link dies (1); one that ended normally sends nothing (9027).
        (if (i32.eq (call $receive (i32.const 0) (i32.const 0) (i64.const 100)) (i32.const 1))
          (then (local.set $killed (i32.add (local.get $killed) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 500))))
      (call $print_num (i64.extend_i32_u (local.get $killed))))
"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "500\n", "kills that came too late");
}

/// A process that waited gets a slice of its own from when it goes on, as Erlang's scheduler
/// gives one to a process it picks: the deadline it was given when it last ran has passed
/// while it waited, and without a fresh one its first call after every wait yielded at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_that_waited_goes_on_without_yielding_at_once() {
    let node = Node::new();
    let p = node.spawn(&wait_then_call("(drop (call $recv_i64))", 20), "run");
    for _ in 0..20 {
        // Several epoch ticks (1 ms each) between messages.
        tokio::time::sleep(Duration::from_millis(5)).await;
        p.send(1, 7i64.to_le_bytes().to_vec());
    }
    assert_eq!(wait(&p).await, ExitReason::Normal);
    // Each wait counts a slice (its park); a yield at the first call after each would
    // make it 40.
    let slices = p.stats().slices();
    assert!(slices <= 25, "{slices} slices for 20 waits");
}

/// The same for every other wait in a host call (here `sleep_ms`, through `host::park`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_that_slept_goes_on_without_yielding_at_once() {
    let node = Node::new();
    let p = node.spawn(&wait_then_call("(call $sleep_ms (i64.const 4))", 10), "run");
    assert_eq!(wait(&p).await, ExitReason::Normal);
    // Each sleep counts a slice; a yield at the first call after each would make it 20.
    let slices = p.stats().slices();
    assert!(slices <= 13, "{slices} slices for 10 sleeps");
}

/// A guest whose export `run` does `times` times: `wait`, then a call (where a passed epoch
/// deadline would make it yield).
fn wait_then_call(wait: &str, times: u32) -> String {
    format!(
        r#"(func $step)
           (func (export "run")
             (local $i i32)
             (loop $l
               {wait}
               (call $step)
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br_if $l (i32.lt_u (local.get $i) (i32.const {times})))))"#
    )
}
