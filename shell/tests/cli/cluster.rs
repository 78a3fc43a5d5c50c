//! Distribution with real parts: a nats-server, every node its own `grain` OS process,
//! faults by signal (SIGKILL, SIGSTOP), a server restart, unmodified lunatic-rs guests.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::cluster_support::{Member, Nats, cluster_name, run_guest, run_guest_down_after};
use crate::support;

/// lunatic 0.14.1's own examples/distributed.rs, unmodified, built for wasm32-wasip1.
fn lunatic_distributed_example() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let work =
                std::env::temp_dir().join(format!("grain-lunatic-dist-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&work);
            crate::lunatic_suite::copy_dir(&crate::lunatic_suite::lunatic_source(), &work);
            let out = support::cargo(&work)
                .args(["build", "--release", "--example", "distributed"])
                .args([
                    "--features",
                    "msgpack_serializer",
                    "--target",
                    "wasm32-wasip1",
                ])
                .output()
                .expect("cargo runs");
            assert!(
                out.status.success(),
                "building lunatic's distributed example failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            work.join("target/wasm32-wasip1/release/examples/distributed.wasm")
        })
        .clone()
}

#[test]
fn three_nodes_meet_and_lunatics_distributed_example_runs_unmodified() {
    let nats = Nats::start();
    let cluster = cluster_name("example");
    let b = Member::node(&nats.url(), &cluster, "b");
    let c = Member::node(&nats.url(), &cluster, "c");
    let (ib, ic) = (b.node_id(), c.node_id());
    assert_ne!(ib, ic, "fresh ids");
    let wasm = lunatic_distributed_example();
    let mut a = Member::start(&[
        "run",
        "--nats",
        &nats.url(),
        "--cluster",
        &cluster,
        "--name",
        "a",
        "--down-after",
        crate::cluster_support::PATIENT,
        &wasm.to_string_lossy(),
    ]);
    assert_eq!(a.wait(), 0, "stderr: {}", a.stderr());
    let out = a.stdout();
    // nodes() includes the caller's node: three ids, distinct, b's and c's among them.
    let line = out
        .lines()
        .find(|l| l.starts_with("Nodes ["))
        .expect("Nodes line");
    let ids: Vec<u64> = line
        .trim_start_matches("Nodes [")
        .trim_end_matches(']')
        .split(", ")
        .map(|s| s.parse().expect("an id"))
        .collect();
    assert_eq!(ids.len(), 3, "{out}");
    assert!(ids.contains(&ib) && ids.contains(&ic), "{ids:?}");
    // `hello` runs on every node; the Adder on nodes[0] answered 2 (the example asserts it).
    let all = format!("{out}{}{}", b.stdout(), c.stdout());
    assert_eq!(all.matches("Hi from").count(), 3, "{all}");
    for id in ids {
        assert!(all.contains(&format!("Hi from {id}")), "{all}");
    }
    assert!(all.contains("Got 1, 1 to add"), "{all}");
}

#[test]
fn a_token_goes_around_a_three_node_ring() {
    let nats = Nats::start();
    let cluster = cluster_name("ring");
    let _b = Member::node(&nats.url(), &cluster, "b");
    let _c = Member::node(&nats.url(), &cluster, "c");
    ring_goes_round(&nats, &cluster, "a", 3, 3000);
}

/// Runs the ring guest on a new node `name` and checks the token came back.
fn ring_goes_round(nats: &Nats, cluster: &str, name: &str, nodes: usize, hops: u32) {
    let hops = hops.to_string();
    let mut ring = run_guest(&nats.url(), cluster, name, &["ring", &hops]);
    assert_eq!(ring.wait(), 0);
    let want = format!("ring: {nodes} nodes, {hops} hops");
    assert!(ring.stdout().contains(&want), "{}", ring.stdout());
}

#[test]
fn a_remote_link_and_monitor_fire_when_the_other_node_is_killed() {
    let nats = Nats::start();
    let cluster = cluster_name("kill");
    let b = Member::node_down_after(&nats.url(), &cluster, "b", "1000");
    let mut a = run_guest_down_after(&nats.url(), &cluster, "a", "1000", &["watch"]);
    let out = a.wait_out("watching ");
    assert!(out.contains(&format!("on node {}", b.node_id())), "{out}");
    b.wait_out("parked on node");
    b.signal(libc::SIGKILL);
    assert_eq!(a.wait(), 0);
    let out = a.stdout();
    assert!(
        out.contains("link died") && out.contains("monitor: "),
        "{out}"
    );
    assert_eq!(out.matches("died").count(), 2, "each fires once: {out}");
}

#[test]
fn a_million_numbered_messages_from_two_nodes_arrive_complete_and_in_order() {
    let nats = Nats::start();
    let cluster = cluster_name("flood");
    let _b = Member::node(&nats.url(), &cluster, "b");
    let _c = Member::node(&nats.url(), &cluster, "c");
    let mut a = run_guest(&nats.url(), &cluster, "a", &["flood", "500000"]);
    assert_eq!(a.wait(), 0);
    let out = a.stdout();
    assert!(
        out.contains("sender 0: 500000 of 500000, complete"),
        "{out}"
    );
    assert!(
        out.contains("sender 1: 500000 of 500000, complete"),
        "{out}"
    );
    assert!(out.contains("holes 0, after a down 0"), "{out}");
}

#[test]
fn across_a_nats_restart_every_sender_is_complete_or_noconnection_never_a_hole() {
    let mut nats = Nats::start();
    let cluster = cluster_name("restart");
    let _b = Member::node(&nats.url(), &cluster, "b");
    let _c = Member::node(&nats.url(), &cluster, "c");
    let mut a = run_guest(&nats.url(), &cluster, "a", &["flood", "500000"]);
    // Both senders run (their spawns are done) before the server goes.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while [&a, &_b, &_c]
        .iter()
        .map(|m| m.stdout().matches(" starts").count())
        .sum::<usize>()
        < 2
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the senders never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    nats.restart();
    assert_eq!(a.wait(), 0, "{}", a.stderr());
    let out = a.stdout();
    // Messages a sender sent before its own link fired may still come after the
    // receiver's monitor said noconnection (as in Erlang: the nodes reconnected); what
    // came before the notice has no hole.
    assert!(
        out.contains("holes 0,"),
        "{out}\n--- a:\n{}\n--- b:\n{}\n--- c:\n{}",
        a.stderr(),
        _b.stderr(),
        _c.stderr()
    );
    for s in ["sender 0: ", "sender 1: "] {
        let ends_well = out.contains(&format!("{s}500000 of 500000, complete"))
            || out
                .split("; ")
                .any(|part| part.contains(s) && part.ends_with("then noconnection"));
        assert!(ends_well, "{s}: {out}");
    }
    // The nodes came back together after the restart.
    ring_goes_round(&nats, &cluster, "a2", 3, 300);
}

/// A node told to stop when its server is gone leaves at once, without a goodbye, and
/// says so; it never waits for a server that may not come back.
#[test]
fn a_node_stops_promptly_when_its_server_is_gone() {
    let mut nats = Nats::start();
    let cluster = cluster_name("gone");
    let mut b = Member::node(&nats.url(), &cluster, "b");
    nats.kill();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let asked = std::time::Instant::now();
    b.signal(libc::SIGTERM);
    assert_eq!(b.wait(), 0, "{}", b.stderr());
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        asked.elapsed()
    );
    assert!(b.stderr().contains("left cluster"), "{}", b.stderr());
    assert!(b.stderr().contains("no goodbye"), "{}", b.stderr());
}

#[test]
fn a_partition_breaks_both_sides_of_a_link_and_heals() {
    let nats = Nats::start();
    let cluster = cluster_name("partition");
    let b = Member::node_down_after(&nats.url(), &cluster, "b", "1000");
    let mut a = run_guest_down_after(&nats.url(), &cluster, "a", "1000", &["watch", "30000"]);
    a.wait_out("watching ");
    b.wait_out("parked on node");
    b.signal(libc::SIGSTOP);
    a.wait_out("link died");
    let out = a.wait_out("monitor: ");
    assert_eq!(out.matches("died").count(), 2, "{out}");
    std::thread::sleep(std::time::Duration::from_secs(2));
    b.signal(libc::SIGCONT);
    // b's side of the link fires too once b runs again, while a is still in the cluster.
    b.wait_out("the link to");
    assert!(a.is_running(), "a stayed in the cluster");
    // And they meet again with new sessions: a ring over the three nodes works.
    ring_goes_round(&nats, &cluster, "a2", 3, 300);
}

#[test]
fn two_mebibytes_cross_to_another_node_intact() {
    let nats = Nats::start();
    let cluster = cluster_name("big");
    let _b = Member::node(&nats.url(), &cluster, "b");
    let mut a = run_guest(&nats.url(), &cluster, "a", &["big"]);
    assert_eq!(a.wait(), 0);
    assert!(
        a.stdout().contains("big: 2 MiB arrived intact"),
        "{}",
        a.stdout()
    );
}

#[test]
fn an_unreachable_server_and_wrong_credentials_are_one_clear_line() {
    let mut node = Member::start(&[
        "node",
        "--nats",
        "nats://127.0.0.1:1",
        "--cluster",
        "x",
        "--name",
        "a",
    ]);
    assert_eq!(node.wait(), 2);
    let err = node.stderr();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("grain: cannot reach NATS at nats://127.0.0.1:1"),
        "{err}"
    );
    let nats = Nats::with_config(Some(AUTH));
    let wrong = format!("nats://node:wrong@{}", nats.addr);
    let mut node = Member::start(&["node", "--nats", &wrong, "--cluster", "x", "--name", "a"]);
    assert_eq!(node.wait(), 2);
    let err = node.stderr();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("refused the credentials"), "{err}");
    assert!(!err.contains("wrong"), "the password is not shown: {err}");
    let right = format!("nats://node:node-secret@{}", nats.addr);
    let node = Member::node(&right, "x", "a");
    assert!(node.node_id() > 0);
}

/// Accounts and roles as the book documents them: nodes may use the cluster's subjects
/// and JetStream; a watcher may only read heartbeats and ask read-only questions.
pub const AUTH: &str = r#"
jetstream: enabled
accounts: {
  GRAIN: {
    jetstream: enabled
    users: [
      { user: node, password: node-secret }
      { user: watcher, password: watcher-secret,
        permissions: {
          publish: { allow: ["grain.*.n.*.i", "_INBOX.>"] }
          subscribe: { allow: ["grain.*.hb.*", "_INBOX.>"] }
        } }
    ]
  }
}
"#;

#[test]
fn a_watchers_credentials_look_but_cannot_spawn_and_foreign_frames_are_dropped() {
    let nats = Nats::with_config(Some(AUTH));
    let node_url = format!("nats://node:node-secret@{}", nats.addr);
    let b = Member::node(&node_url, "sec", "b");
    let id = b.node_id();
    let tokio = tokio::runtime::Runtime::new().expect("tokio");
    tokio.block_on(async {
        let connect = |user: &str, pass: &str| {
            let url = format!("nats://{user}:{pass}@{}", nats.addr);
            async move {
                let config = grain::cluster::ClusterConfig::new(&url, "sec", "");
                grain::cluster::Watcher::connect(&config).await
            }
        };
        let watcher = connect("watcher", "watcher-secret").await.expect("a watcher connects");
        let table = watcher.table(id, 10).await.expect("a watcher may look");
        assert_eq!(table.node, id);
        let spawn = br#"{"op":"spawn","module":"00","name":"m","function":"f","params":[],"max_memory":null,"max_fuel":null,"can_spawn":false,"can_compile":false,"can_create_configs":false,"parent":null}"#;
        let refused = watcher.request_raw(&format!("n.{id}.q"), spawn.to_vec()).await;
        assert!(refused.is_err(), "a watcher cannot ask for a spawn: {refused:?}");
        // The same request with a node's credentials gets an answer (the module is unknown).
        let node = connect("node", "node-secret").await.expect("connects");
        let answer = node.request_raw(&format!("n.{id}.q"), spawn.to_vec()).await;
        let answer = String::from_utf8(answer.expect("a node may ask")).unwrap();
        assert!(answer.contains("failed"), "{answer}");
        // Garbage on the node's data subject is dropped and counted; the node lives on.
        node.publish_raw(&format!("n.{id}.d"), b"not a grain batch".to_vec())
            .await
            .expect("published");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while node.heartbeat(id).is_none_or(|h| h.foreign == 0) {
            assert!(std::time::Instant::now() < deadline, "never counted");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(node.table(id, 10).await.is_ok(), "the node still answers");
    });
}

#[test]
fn a_token_and_tls_work_and_an_unknown_certificate_is_one_clear_line() {
    let nats = Nats::with_config(Some("authorization { token: s3cret }"));
    let node = Member::node(&format!("nats://s3cret@{}", nats.addr), "tok", "a");
    assert!(node.node_id() > 0);
    let flag = Member::start(&[
        "node",
        "--nats",
        &nats.url(),
        "--nats-token",
        "s3cret",
        "--cluster",
        "tok",
        "--name",
        "b",
    ]);
    flag.wait_err("grain: node b is node");
    // TLS with a CA of the test's own.
    let dir = support::temp_dir("tls");
    let sh = |script: &str| {
        let out = std::process::Command::new("sh")
            .args(["-c", script])
            .current_dir(&dir)
            .output()
            .expect("sh runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    sh(
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=grain test CA' \
        && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost' \
        && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext \
        && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext",
    );
    let tls = Nats::with_config(Some(&format!(
        "tls {{ cert_file: \"{0}/server.pem\", key_file: \"{0}/server.key\" }}",
        dir.display()
    )));
    let url = format!("tls://{}", tls.addr);
    let ca = dir.join("ca.pem");
    let secure = Member::start(&[
        "node",
        "--nats",
        &url,
        "--nats-ca",
        &ca.to_string_lossy(),
        "--cluster",
        "tls",
        "--name",
        "a",
    ]);
    secure.wait_err("grain: node a is node");
    let mut unknown = Member::start(&["node", "--nats", &url, "--cluster", "tls", "--name", "b"]);
    assert_eq!(unknown.wait(), 2);
    let err = unknown.stderr();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot reach NATS") && err.contains("certificate"),
        "{err}"
    );
}
