//! Host processes (the shell is one), safe memory inspection, and remembered exits.

use grain::message::Message;
use grain::{ExitReason, InspectError, Param, ProcessConfig};

use crate::support::{Node, wait};

const GUESTS: &str = r#"
    (data (i32.const 1024) "hello")
    (func (export "park") (drop (call $recv_tag (i64.const 12345) (i64.const -1))))
    (func (export "spin") (loop $l (br $l)))
    (func (export "crash") (call $sleep_ms (i64.const 5)) unreachable)
    ;; Sends 77 to the given pid, then waits for a reply and prints it.
    (func (export "talk") (param $to i64)
      (call $send_i64 (local.get $to) (i64.const 0) (i64.const 77))
      (call $print_num (call $recv_i64)))
"#;

#[tokio::test]
async fn a_host_process_talks_with_wasm_processes_and_survives_linked_crashes() {
    let node = Node::new();
    let module = node.load(GUESTS);
    let shell = node.rt.spawn_host("shell").unwrap();
    assert_eq!(node.rt.process(shell.pid()).unwrap().module_name(), "host");

    let talker = node
        .rt
        .spawn(
            &module,
            "talk",
            &[Param::I64(shell.pid().id() as i64)],
            ProcessConfig::default(),
        )
        .unwrap();
    let Some(Message::Data(data)) = shell.receive(None, None).await else {
        panic!("a data message")
    };
    assert_eq!(data.buffer, 77i64.to_le_bytes());
    assert_eq!(data.sender, Some(talker.pid()));
    assert!(shell.send(talker.pid(), 0, 5i64.to_le_bytes().to_vec()));
    assert_eq!(wait(&talker).await, ExitReason::Normal);
    assert_eq!(node.stdout.text(), "5\n");
    assert!(
        !shell.send(talker.pid(), 0, Vec::new()),
        "the talker has ended"
    );

    let crasher = node
        .rt
        .spawn(&module, "crash", &[], ProcessConfig::default())
        .unwrap();
    shell.link(crasher.pid(), 3);
    shell.monitor(crasher.pid());
    assert!(wait(&crasher).await.trap().is_some());
    let mut notices = Vec::new();
    for _ in 0..2 {
        match shell
            .receive(None, Some(std::time::Duration::from_secs(5)))
            .await
        {
            Some(Message::LinkDied { pid, tag }) => {
                notices.push(format!("link {} {tag:?}", pid == crasher.pid()))
            }
            Some(Message::ProcessDied { pid, .. }) => {
                notices.push(format!("down {}", pid == crasher.pid()))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    notices.sort();
    assert_eq!(notices, ["down true", "link true Some(3)"]);
    assert!(
        shell.process().is_alive(),
        "the shell survives its linked crash"
    );

    let process = shell.process().clone();
    drop(shell);
    assert_eq!(wait(&process).await, ExitReason::Normal);
}

#[tokio::test]
async fn killing_a_host_process_ends_it() {
    let node = Node::new();
    let host = node.rt.spawn_host("victim").unwrap();
    let process = host.process().clone();
    assert!(node.rt.kill(host.pid()));
    assert_eq!(wait(&process).await, ExitReason::Killed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_of_parked_and_busy_processes_can_be_read_safely() {
    let node = Node::new();
    let module = node.load(GUESTS);
    for function in ["park", "spin"] {
        let p = node
            .rt
            .spawn(&module, function, &[], ProcessConfig::default())
            .unwrap();
        crate::support::eventually("started", || {
            p.stats().status() != grain::observe::Status::Starting
        })
        .await;
        assert_eq!(
            p.read_memory(1024, 5).await.unwrap(),
            b"hello",
            "{function}"
        );
        let size = 2 * 65536;
        assert_eq!(
            p.read_memory(size - 2, 4).await,
            Err(InspectError::OutOfBounds {
                addr: size - 2,
                len: 4,
                size
            })
        );
        p.kill();
        wait(&p).await;
        assert_eq!(p.read_memory(0, 1).await, Err(InspectError::Exited));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_read_during_instantiation_waits_for_the_memory() {
    // The start function computes for a while, so epoch ticks (safe points) come while the
    // process is still being instantiated: a read asked then must wait for the memory, not
    // answer that there is none.
    let node = Node::new();
    let module = node
        .rt
        .load(
            "slow_start",
            r#"(module
          (memory (export "memory") 1)
          (data (i32.const 16) "ready")
          (func $slow_start (local i64)
            (loop $l (local.set 0 (i64.add (local.get 0) (i64.const 1)))
              (br_if $l (i64.lt_u (local.get 0) (i64.const 30000000)))))
          (start $slow_start)
          (func (export "main") (loop $forever (br $forever))))"#
                .as_bytes(),
        )
        .unwrap();
    let p = node
        .rt
        .spawn(&module, "main", &[], ProcessConfig::default())
        .unwrap();
    assert_eq!(p.stats().status(), grain::observe::Status::Starting);
    assert_eq!(p.read_memory(16, 5).await.unwrap(), b"ready");
    p.kill();
    wait(&p).await;
}

#[tokio::test]
async fn the_runtime_remembers_how_processes_ended() {
    let node = Node::new();
    let module = node.load(GUESTS);
    let p = node
        .rt
        .spawn(&module, "crash", &[], ProcessConfig::default())
        .unwrap();
    let reason = wait(&p).await;
    let record = node.rt.exited(p.pid()).expect("remembered");
    assert_eq!(record.reason, reason);
    assert_eq!(record.function, "crash");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exit_is_on_record_before_anybody_hears_of_it() {
    // Whoever hears of a death (a monitor's notice, a link's) may ask how the process ended
    // at once, and a pid is always either alive or remembered: a supervisor restarting a
    // child and a shell's `info` rely on both.
    let node = Node::new();
    let module = node.load(GUESTS);
    let watcher = node.rt.spawn_host("watcher").unwrap();
    let n = 200;
    let mut pids = std::collections::HashSet::new();
    for _ in 0..n {
        let p = node
            .rt
            .spawn(&module, "crash", &[], ProcessConfig::default())
            .unwrap();
        watcher.monitor(p.pid());
        watcher.link(p.pid(), 1);
        pids.insert(p.pid());
    }
    let mut heard = 0;
    while heard < 2 * n {
        let pid = match watcher
            .receive(None, Some(std::time::Duration::from_secs(10)))
            .await
        {
            Some(Message::ProcessDied { pid, .. } | Message::LinkDied { pid, .. }) => pid,
            other => panic!("unexpected {other:?}"),
        };
        assert!(pids.contains(&pid));
        let record = node
            .rt
            .exited(pid)
            .expect("remembered by the time it is heard of");
        assert!(record.reason.trap().is_some(), "{:?}", record.reason);
        for other in &pids {
            assert!(
                node.rt.process(*other).is_some() || node.rt.exited(*other).is_some(),
                "{other} is neither alive nor remembered"
            );
        }
        heard += 1;
    }
}
