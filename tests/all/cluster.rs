//! The cluster layer over a real nats-server, several nodes in this test process (the
//! shell's tests run nodes as separate OS processes and kill them for real).

use std::time::Duration;

use grain::cluster::{ClusterConfig, RemoteSpawn, join};
use grain::message::Message;
use grain::{ExitReason, Pid, ProcessConfig, Runtime, RuntimeConfig, Stdio};

use crate::nats::Nats;
use crate::support::{eventually, wat};

fn config(nats: &Nats, cluster: &str, name: &str) -> ClusterConfig {
    ClusterConfig::new(&nats.url(), cluster, name)
}

async fn node(nats: &Nats, cluster: &str, name: &str) -> (Runtime, grain::cluster::Cluster) {
    let (stdio, _, _) = Stdio::captured();
    let rt = RuntimeConfig {
        stdio,
        ..RuntimeConfig::default()
    };
    join(config(nats, cluster, name), rt)
        .await
        .unwrap_or_else(|e| panic!("{name} joins: {e}"))
}

async fn receive(host: &grain::HostProcess) -> Message {
    host.receive(None, Some(Duration::from_secs(10)))
        .await
        .expect("a message within 10 s")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_meet_with_fresh_ids_and_pids_carry_their_node() {
    let nats = Nats::start();
    let (a, ca) = node(&nats, "meet", "a").await;
    let (b, cb) = node(&nats, "meet", "b").await;
    let (c, _cc) = node(&nats, "meet", "c").await;
    let ids = [a.node_id(), b.node_id(), c.node_id()];
    assert!(ids.iter().all(|&id| id > 0), "{ids:?}");
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
    for cluster in [&ca, &cb] {
        assert!(cluster.wait_for_nodes(3, Duration::from_secs(5)).await);
        let mut sorted = ids;
        sorted.sort_unstable();
        assert_eq!(cluster.live_nodes(), sorted, "self included, by id");
    }
    let host = a.spawn_host("probe").expect("host");
    assert_eq!(host.pid().node(), a.node_id());
    assert_eq!(ca.node_named("b"), Some(b.node_id()));
    // A node leaving is down at once for the others, with its reason.
    cb.leave().await;
    eventually("b is down for a", || {
        !ca.live_nodes().contains(&b.node_id())
    })
    .await;
    let status = ca
        .nodes()
        .into_iter()
        .find(|n| n.id == b.node_id())
        .unwrap();
    assert_eq!(status.down_reason.as_deref(), Some("it left the cluster"));
    // b starts again: a new node, with a new id; a pid of the old b names nobody.
    let old = Pid::new(b.node_id(), 1);
    let (b2, _cb2) = node(&nats, "meet", "b").await;
    assert!(b2.node_id() > c.node_id(), "fresh, never reused");
    host.link(old, 0);
    let notice = receive(&host).await;
    assert!(
        matches!(notice, Message::LinkDied { pid, .. } if pid == old),
        "{notice:?}"
    );
    // A name is refused while its holder is up.
    let taken = join(config(&nats, "meet", "a"), RuntimeConfig::default()).await;
    assert!(
        matches!(&taken, Err(e) if e.to_string().contains("already up")),
        "{:?}",
        taken.err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_cross_nodes_in_order_large_ones_in_chunks() {
    let nats = Nats::start();
    let (a, ca) = node(&nats, "order", "a").await;
    let (b, _cb) = node(&nats, "order", "b").await;
    assert!(ca.wait_for_nodes(2, Duration::from_secs(5)).await);
    let sender = a.spawn_host("sender").expect("host");
    let receiver = b.spawn_host("receiver").expect("host");
    const N: u64 = 20_000;
    for i in 0..N {
        assert!(sender.send(receiver.pid(), 0, i.to_le_bytes().to_vec()));
    }
    let big: Vec<u8> = (0..2 << 20).map(|i: u32| (i % 251) as u8).collect();
    assert!(sender.send(receiver.pid(), 9, big.clone()));
    for i in 0..N {
        let Message::Data(m) = receive(&receiver).await else {
            panic!("a data message")
        };
        assert_eq!(m.buffer, i.to_le_bytes(), "message {i}");
        assert_eq!(m.sender, Some(sender.pid()));
    }
    let Message::Data(m) = receive(&receiver).await else {
        panic!("the big message")
    };
    assert_eq!((m.tag, m.buffer.len()), (Some(9), big.len()));
    assert!(m.buffer == big, "2 MiB arrive intact");
    assert_eq!(ca.dropped_frames(), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_links_and_monitors_hear_real_reasons_and_noconnection() {
    let nats = Nats::start();
    let (a, ca) = node(&nats, "links", "a").await;
    let (b, cb) = node(&nats, "links", "b").await;
    assert!(ca.wait_for_nodes(2, Duration::from_secs(5)).await);
    let watcher = a.spawn_host("watcher").expect("host");
    // A crash on b: the link and the monitor on a hear the trap.
    let module = b
        .load(
            "crash",
            wat(r#"(func (export "main") (call $sleep_ms (i64.const 200)) unreachable)"#)
                .as_bytes(),
        )
        .unwrap();
    let crasher = b
        .spawn(&module, "main", &[], ProcessConfig::root())
        .unwrap();
    watcher.link(crasher.pid(), 5);
    watcher.monitor(crasher.pid());
    let first = receive(&watcher).await;
    assert!(
        matches!(&first, Message::ProcessDied { pid, reason: Some(ExitReason::Trap(_)) } if *pid == crasher.pid()),
        "{first:?}"
    );
    let second = receive(&watcher).await;
    assert!(
        matches!(&second, Message::LinkDied { pid, tag: Some(5) } if *pid == crasher.pid()),
        "{second:?}"
    );
    assert!(a.exited(crasher.pid()).unwrap().reason.trap().is_some());
    // A kill from a: the process on b ends killed, and the link says so.
    let victim = b.spawn_host("victim").expect("host");
    watcher.link(victim.pid(), 0);
    eventually("the link reaches b", || {
        !victim.process().links().is_empty()
    })
    .await;
    assert!(a.kill(victim.pid()));
    assert!(
        matches!(receive(&watcher).await, Message::LinkDied { pid, .. } if pid == victim.pid())
    );
    assert_eq!(a.exited(victim.pid()).unwrap().reason, ExitReason::Killed);
    // A pid that does not exist there: noproc at once.
    let ghost = Pid::new(b.node_id(), 999_999);
    watcher.link(ghost, 0);
    assert!(matches!(receive(&watcher).await, Message::LinkDied { pid, .. } if pid == ghost));
    // b goes away: links and monitors to its processes fire once, with noconnection.
    let parked = b.spawn_host("parked").expect("host");
    watcher.link(parked.pid(), 0);
    watcher.monitor(parked.pid());
    eventually("the link reaches b", || {
        !parked.process().links().is_empty()
    })
    .await;
    cb.leave().await;
    let notices = [receive(&watcher).await, receive(&watcher).await];
    assert!(
        matches!(
            notices[0],
            Message::ProcessDied {
                reason: Some(ExitReason::NoConnection),
                ..
            }
        ),
        "{notices:?}"
    );
    assert!(
        matches!(notices[1], Message::LinkDied { .. }),
        "{notices:?}"
    );
    assert_eq!(
        a.exited(parked.pid()).unwrap().reason,
        ExitReason::NoConnection
    );
    assert!(
        watcher
            .receive(None, Some(Duration::from_millis(300)))
            .await
            .is_none(),
        "once"
    );
    assert!(watcher.process().links().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_spawns_on_another_node_by_content_and_answers() {
    let nats = Nats::start();
    let (a, ca) = node(&nats, "spawn", "a").await;
    let (b, cb) = node(&nats, "spawn", "b").await;
    assert!(ca.wait_for_nodes(2, Duration::from_secs(5)).await);
    // The child sends its argument (a pid of node a) its own pid, from node b.
    let body = r#"(func (export "child") (param $to i64)
        (call $send_i64 (local.get $to) (i64.const 3) (call $process_id)))"#;
    let module = a.load("child", wat(body).as_bytes()).unwrap();
    let host = a.spawn_host("asker").unwrap();
    for round in 0..2 {
        let pid = ca
            .spawn(RemoteSpawn {
                node: b.node_id(),
                module: &module,
                function: "child",
                params: &[grain::Param::I64(host.pid().id() as i64)],
                config: &ProcessConfig::default(),
                parent: Some(host.pid()),
            })
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(pid.node(), b.node_id());
        let Message::Data(m) = receive(&host).await else {
            panic!("data")
        };
        assert_eq!(m.buffer, pid.id().to_le_bytes());
        assert_eq!(m.sender, Some(pid));
    }
    assert_eq!(cb.compiled_for_others(), 1, "compiled once on b");
    let missing = ca
        .spawn(RemoteSpawn {
            node: b.node_id(),
            module: &module,
            function: "nope",
            params: &[],
            config: &ProcessConfig::default(),
            parent: None,
        })
        .await;
    assert!(
        matches!(missing, Err(ref e) if e.code() == 2),
        "{missing:?}"
    );
    let nowhere = ca
        .spawn(RemoteSpawn {
            node: 4242,
            module: &module,
            function: "child",
            params: &[],
            config: &ProcessConfig::default(),
            parent: None,
        })
        .await;
    assert!(
        matches!(nowhere, Err(ref e) if e.code() == 1),
        "{nowhere:?}"
    );
}

const DISTRIBUTED: &str = r#"
  (import "lunatic::distributed" "node_id" (func $node_id (result i64)))
  (import "lunatic::distributed" "nodes_count" (func $nodes_count (result i32)))
  (import "lunatic::distributed" "get_nodes" (func $get_nodes (param i32 i32) (result i32)))
  (import "lunatic::distributed" "exec_lookup_nodes" (func $lookup (param i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::distributed" "copy_lookup_nodes_results" (func $copy (param i64 i32 i32 i32) (result i32)))
  (import "lunatic::distributed" "send" (func $dsend (param i64 i64) (result i32)))
  (import "lunatic::distributed" "send_receive_skip_search" (func $dsend_recv (param i64 i64 i64 i64) (result i32)))
  (data (i32.const 1024) "role=worker")
  (data (i32.const 1040) "role")
  ;; main(peer node, a pid of that node that does not exist)
  (func (export "main") (param $peer i64) (param $ghost i64)
    (call $print_num (call $node_id))
    (call $print_num (i64.extend_i32_u (call $nodes_count)))
    (call $print_num (i64.extend_i32_u (call $get_nodes (i32.const 2048) (i32.const 8))))
    ;; lookup: the count, then the ids copied
    (call $print_num (i64.extend_i32_u (call $lookup (i32.const 1024) (i32.const 11) (i32.const 2000) (i32.const 2008) (i32.const 2016))))
    (call $print_num (i64.extend_i32_u (i32.load (i32.const 2008))))
    (call $print_num (i64.extend_i32_s (call $copy (i64.load (i32.const 2000)) (i32.const 2100) (i32.const 8) (i32.const 2016))))
    (call $print_num (i64.load (i32.const 2100)))
    ;; the same query id again: gone (one-shot), -1
    (call $print_num (i64.extend_i32_s (call $copy (i64.load (i32.const 2000)) (i32.const 2100) (i32.const 8) (i32.const 2016))))
    ;; a bad query: code 1
    (call $print_num (i64.extend_i32_u (call $lookup (i32.const 1040) (i32.const 4) (i32.const 2000) (i32.const 2008) (i32.const 2016))))
    ;; send to a node that does not exist: 2
    (call $create_data (i64.const 0) (i64.const 0))
    (call $print_num (i64.extend_i32_u (call $dsend (i64.const 4242) (i64.shl (i64.const 4242) (i64.const 40)))))
    ;; a request to nobody on a live node: no answer within 200 ms, 9027
    (call $create_data (i64.const 0) (i64.const 0))
    (call $print_num (i64.extend_i32_u (call $dsend_recv (local.get $peer) (local.get $ghost) (i64.const 77) (i64.const 200)))))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_distributed_abi_answers_with_lunatics_codes() {
    let nats = Nats::start();
    let (a, ca) = node(&nats, "abi", "a").await;
    let mut worker = config(&nats, "abi", "b");
    worker.tags.insert("role".into(), "worker".into());
    let (b, _cb) = join(worker, RuntimeConfig::default())
        .await
        .expect("b joins");
    assert!(ca.wait_for_nodes(2, Duration::from_secs(5)).await);
    let (stdio, out, _) = Stdio::captured();
    let env = a.new_environment(stdio);
    let module = a.load("abi", wat(DISTRIBUTED).as_bytes()).unwrap();
    let ghost = Pid::new(b.node_id(), 999_999);
    let p = a
        .spawn_in(
            &env,
            &module,
            "main",
            &[
                grain::Param::I64(b.node_id() as i64),
                grain::Param::I64(ghost.id() as i64),
            ],
            ProcessConfig::root(),
        )
        .unwrap();
    assert_eq!(crate::support::wait(&p).await, ExitReason::Normal);
    let expected = format!(
        "{}\n2\n2\n0\n1\n1\n{}\n-1\n1\n2\n9027\n",
        a.node_id(),
        b.node_id()
    );
    assert_eq!(out.text(), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_with_resources_cannot_leave_its_node() {
    let nats = Nats::start();
    let (a, ca) = node(&nats, "res", "a").await;
    let (b, _cb) = node(&nats, "res", "b").await;
    assert!(ca.wait_for_nodes(2, Duration::from_secs(5)).await);
    let body = r#"
      (import "lunatic::message" "push_module" (func $push_module (param i64) (result i64)))
      (import "lunatic::process" "compile_module" (func $compile (param i32 i32 i32) (result i32)))
      (data (i32.const 1024) "\00asm\01\00\00\00")
      (func (export "main") (param $to i64)
        (drop (call $compile (i32.const 1024) (i32.const 8) (i32.const 2000)))
        (call $create_data (i64.const 0) (i64.const 0))
        (drop (call $push_module (i64.load (i32.const 2000))))
        (drop (call $send (local.get $to))))"#;
    let module = a.load("res", wat(body).as_bytes()).unwrap();
    let target = b.spawn_host("target").unwrap();
    let p = a
        .spawn(
            &module,
            "main",
            &[grain::Param::I64(target.pid().id() as i64)],
            ProcessConfig::root(),
        )
        .unwrap();
    let reason = crate::support::wait(&p).await;
    let trap = reason.trap().expect("a trap");
    assert!(
        trap.message.contains("cannot go to another node"),
        "{trap:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_to_a_node_that_goes_down_ends_instead_of_waiting_forever() {
    let nats = Nats::start();
    let (a, ca) = node(&nats, "gone", "a").await;
    let (b, cb) = node(&nats, "gone", "b").await;
    assert!(ca.wait_for_nodes(2, Duration::from_secs(5)).await);
    let body = r#"
      (import "lunatic::distributed" "send_receive_skip_search" (func $dsend_recv (param i64 i64 i64 i64) (result i32)))
      (func (export "main") (param $node i64) (param $to i64)
        (call $create_data (i64.const 0) (i64.const 0))
        ;; no timeout: only the node going down ends this wait
        (call $print_num (i64.extend_i32_u (call $dsend_recv (local.get $node) (local.get $to) (i64.const 77) (i64.const -1)))))"#;
    let (stdio, out, _) = Stdio::captured();
    let env = a.new_environment(stdio);
    let module = a.load("gone", wat(body).as_bytes()).unwrap();
    let silent = b.spawn_host("silent").unwrap();
    let params = [
        grain::Param::I64(b.node_id() as i64),
        grain::Param::I64(silent.pid().id() as i64),
    ];
    let p = a
        .spawn_in(&env, &module, "main", &params, ProcessConfig::root())
        .unwrap();
    eventually("the request reaches b", || {
        silent.process().mailbox_len() == 1
    })
    .await;
    assert!(p.is_alive(), "it waits while b is up");
    cb.leave().await;
    assert_eq!(crate::support::wait(&p).await, ExitReason::Normal);
    assert_eq!(out.text(), "9027\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observer_of_a_clustered_node_gets_its_cluster_and_the_ups_and_downs() {
    use grain::observe::{EventKind, Update};
    let nats = Nats::start();
    let (a, ca) = node(&nats, "observed", "a").await;
    let (b, cb) = node(&nats, "observed", "b").await;
    assert!(ca.wait_for_nodes(2, Duration::from_secs(10)).await);
    let mut observer = a.observe();
    let Some(Update::Full(snapshot)) = observer.next().await else {
        panic!("a snapshot first");
    };
    let view = snapshot
        .cluster
        .expect("a clustered node's snapshot carries its cluster");
    assert_eq!(view.cluster, "observed");
    assert_eq!(view.this, Some(a.node_id()));
    let names: Vec<(&str, bool)> = view.nodes.iter().map(|n| (n.name.as_str(), n.up)).collect();
    assert_eq!(names, [("a", true), ("b", true)]);
    // b leaves: a delta carries it down, with why and since when, and the events a nodedown.
    cb.leave().await;
    let (mut down, mut event) = (None, false);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while down.is_none() || !event {
        assert!(
            std::time::Instant::now() < deadline,
            "b never went down for a's observer"
        );
        let Ok(Some(Update::Delta(delta))) =
            tokio::time::timeout(Duration::from_secs(10), observer.next()).await
        else {
            panic!("deltas keep coming");
        };
        event |= delta.events.iter().any(|e| {
            matches!(&e.kind, EventKind::NodeDown { node, reason, .. }
                if *node == b.node_id() && reason == "it left the cluster")
        });
        if let Some(view) = delta.cluster {
            down = down.or(view
                .nodes
                .into_iter()
                .find(|n| n.id == b.node_id() && !n.up));
        }
    }
    let down = down.expect("b");
    assert_eq!(down.down_reason.as_deref(), Some("it left the cluster"));
    assert!(down.down_since_ms.is_some_and(|ms| ms >= down.up_since_ms));
    // A node outside any cluster sends none.
    let alone = Runtime::new(RuntimeConfig::default()).expect("runtime");
    let Some(Update::Full(snapshot)) = alone.observe().next().await else {
        panic!("a snapshot first");
    };
    assert!(snapshot.cluster.is_none());
}
