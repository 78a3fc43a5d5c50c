//! Changing code while it runs: versions, purges, supervisors restarting on new code, and
//! upgrades in place that keep a process's pid, mailbox, links, monitors, names and limits.

use std::time::Duration;

use grain::code::{CODE_CHANGE_TAG, PurgeError, UpgradeError};
use grain::message::Message;
use grain::observe::{EventKind, Update};
use grain::supervisor::{ChildSpec, Strategy, SupervisorSpec};
use grain::{ExitReason, HostProcess, Module, Pid, ProcessConfig};

use crate::support::{Node, eventually, wait, wat};

/// A sequence checker at version `version`: a message tagged 1 carries the number it
/// expects next (it counts the ones out of order); one tagged 2 (body: the asker's pid)
/// gets `[version, expected, out of order, last handoff answer]` (four i64) tagged 3. On
/// the code-change message it hands `[expected, out of order]` over. `change` is the body
/// of its `grain_code_change` (empty: it has none).
fn seq(version: i64, change: &str) -> String {
    let exports = if change.is_empty() {
        String::new()
    } else {
        format!(
            r#"(func (export "grain_code_change") (param $from i32) (param $len i32) (result i32)
                 {change})
               (func (export "grain_code_resume") (call $serve))"#
        )
    };
    wat(&format!(
        r#"
    (import "grain::code" "handoff" (func $handoff (param i32 i32) (result i32)))
    (import "grain::code" "take_state" (func $take_state (param i32 i32) (result i32)))
    (global $expected (mut i64) (i64.const 0))
    (global $wrong (mut i64) (i64.const 0))
    (global $answer (mut i64) (i64.const -1))
    (func $serve
      (local $tag i64)
      (loop $serve
        (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
        (local.set $tag (call $get_tag))
        (if (i64.eq (local.get $tag) (i64.const 1))
          (then
            (drop (call $read_data (i32.const 2048) (i32.const 8)))
            (if (i64.ne (i64.load (i32.const 2048)) (global.get $expected))
              (then (global.set $wrong (i64.add (global.get $wrong) (i64.const 1)))))
            (global.set $expected (i64.add (global.get $expected) (i64.const 1)))))
        (if (i64.eq (local.get $tag) (i64.const 2))
          (then
            (drop (call $read_data (i32.const 2048) (i32.const 8)))
            (i64.store (i32.const 2056) (i64.const {version}))
            (i64.store (i32.const 2064) (global.get $expected))
            (i64.store (i32.const 2072) (global.get $wrong))
            (i64.store (i32.const 2080) (global.get $answer))
            (call $create_data (i64.const 3) (i64.const 32))
            (drop (call $write_data (i32.const 2056) (i32.const 32)))
            (drop (call $send (i64.load (i32.const 2048))))))
        (if (i64.eq (local.get $tag) (i64.const {CODE_CHANGE_TAG}))
          (then
            (i64.store (i32.const 3000) (global.get $expected))
            (i64.store (i32.const 3008) (global.get $wrong))
            (global.set $answer
              (i64.extend_i32_s (call $handoff (i32.const 3000) (i32.const 16))))))
        (br $serve)))
    (func (export "serve") (call $serve))
    {exports}
    "#
    ))
}

/// Takes `[expected, out of order]` over and accepts.
const TAKES_OVER: &str = r#"
    (if (i32.ne (local.get $len) (i32.const 16)) (then (return (i32.const 1))))
    (drop (call $take_state (i32.const 3000) (i32.const 16)))
    (global.set $expected (i64.load (i32.const 3000)))
    (global.set $wrong (i64.load (i32.const 3008)))
    (i32.const 0)"#;

fn load(node: &Node, name: &str, version: i64, change: &str) -> Module {
    node.rt
        .load(name, seq(version, change).as_bytes())
        .unwrap_or_else(|e| panic!("{name} v{version} does not load: {e}"))
}

fn spawn(node: &Node, module: &Module, config: ProcessConfig) -> Pid {
    node.rt.spawn(module, "serve", &[], config).unwrap().pid()
}

/// Sends numbers `from..to` to `pid`, tagged 1.
fn numbers(node: &Node, pid: Pid, from: i64, to: i64) {
    let p = node.rt.process(pid).expect("alive");
    for n in from..to {
        p.send(1, n.to_le_bytes().to_vec());
    }
}

/// Asks `pid` what it knows: `[version, expected, out of order, last handoff answer]`.
async fn ask(me: &HostProcess, pid: Pid) -> [i64; 4] {
    assert!(
        me.send(pid, 2, me.pid().id().to_le_bytes().to_vec()),
        "{pid} is gone"
    );
    let reply = me
        .receive(Some(&[3]), Some(Duration::from_secs(10)))
        .await
        .unwrap_or_else(|| panic!("{pid} did not answer"));
    let Message::Data(data) = reply else {
        panic!("not data: {reply:?}")
    };
    let word = |i: usize| i64::from_le_bytes(data.buffer[i * 8..i * 8 + 8].try_into().unwrap());
    [word(0), word(1), word(2), word(3)]
}

const FIVE_SECONDS: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_name_loaded_again_gets_a_new_version_and_the_old_one_stays_while_it_runs() {
    let node = Node::new();
    let v1 = load(&node, "seq", 1, "");
    let a = spawn(&node, &v1, ProcessConfig::default());
    let v2 = load(&node, "seq", 2, TAKES_OVER);
    assert_eq!((v1.version(), v2.version()), (1, 2));
    assert_eq!((v1.label(), v2.label()), ("seq@1".into(), "seq@2".into()));
    assert_eq!(
        node.rt.module("seq").unwrap().id(),
        v2.id(),
        "the current one"
    );
    assert_eq!(node.rt.module("seq@1").unwrap().id(), v1.id());
    assert!(node.rt.module("seq@3").is_none());
    assert!(node.rt.is_current(&v2) && !node.rt.is_current(&v1));
    let kept: Vec<(String, usize)> = node
        .rt
        .module_versions()
        .iter()
        .map(|m| (m.label(), m.processes()))
        .collect();
    assert_eq!(kept, [("seq@1".into(), 1), ("seq@2".into(), 0)]);
    assert_eq!(node.rt.process(a).unwrap().code(), "seq@1");

    // The old version goes when its last process ends.
    node.rt.kill(a);
    eventually("seq@1 dropped", || node.rt.module("seq@1").is_none()).await;
    let b = spawn(&node, &v2, ProcessConfig::default());
    let v3 = load(&node, "seq", 3, TAKES_OVER);
    assert_eq!(v3.version(), 3, "numbers are never reused");
    assert_eq!(node.rt.process(b).unwrap().code(), "seq@2");
}

/// A guest's spawn of its own module (`module = -1`) runs its own version, not the current.
#[tokio::test]
async fn a_spawn_that_inherits_its_parents_module_keeps_the_parents_version() {
    let node = Node::new();
    let body = r#"
        (data (i32.const 1024) "child")
        (func (export "child") (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))
        (func (export "main")
          (call $send_i64 (call $recv_i64) (i64.const 5)
            (call $spawn0 (i64.const 0) (i32.const 1024) (i32.const 5)))
          (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))"#;
    let v1 = node.rt.load("family", wat(body).as_bytes()).unwrap();
    let parent = spawn_main(&node, &v1);
    node.rt.load("family", wat(body).as_bytes()).unwrap();
    let me = node.rt.spawn_host("test").unwrap();
    me.send(parent, 1, me.pid().id().to_le_bytes().to_vec());
    let Some(Message::Data(data)) = me.receive(Some(&[5]), Some(FIVE_SECONDS)).await else {
        panic!("no child pid");
    };
    let child = Pid(u64::from_le_bytes(data.buffer[..8].try_into().unwrap()));
    assert_eq!(node.rt.process(child).unwrap().code(), "family@1");
    let versions: Vec<usize> = node
        .rt
        .module_versions()
        .iter()
        .map(|m| m.processes())
        .collect();
    assert_eq!(versions, [2, 0], "parent and child on @1, nobody on @2");
}

fn spawn_main(node: &Node, module: &Module) -> Pid {
    node.rt
        .spawn(module, "main", &[], ProcessConfig::root())
        .unwrap()
        .pid()
}

#[tokio::test]
async fn purge_ends_the_processes_on_old_code_and_soft_purge_refuses_and_names_them() {
    let node = Node::new();
    let v1 = load(&node, "seq", 1, "");
    let (a, b) = (
        spawn(&node, &v1, ProcessConfig::default()),
        spawn(&node, &v1, ProcessConfig::default()),
    );
    let v2 = load(&node, "seq", 2, TAKES_OVER);
    let c = spawn(&node, &v2, ProcessConfig::default());
    let mut events = node.rt.observe();

    let refused = node.rt.purge("seq", true).unwrap_err();
    let mut lingering = vec![a, b];
    lingering.sort();
    assert_eq!(
        refused,
        PurgeError::Lingering {
            module: "seq".into(),
            pids: lingering.clone()
        }
    );
    assert!(
        refused
            .to_string()
            .starts_with("2 still run old code of seq: <0.")
    );
    assert!(node.rt.process(a).is_some_and(|p| p.is_alive()));

    let done = node.rt.purge("seq", false).unwrap();
    assert_eq!(done.versions, [1]);
    assert_eq!(done.ended, lingering);
    for pid in [a, b] {
        let p = node.rt.process(pid);
        if let Some(p) = p {
            assert_eq!(wait(&p).await, ExitReason::Purged);
        }
        eventually("remembered", || node.rt.exited(pid).is_some()).await;
        assert_eq!(node.rt.exited(pid).unwrap().reason, ExitReason::Purged);
        assert_eq!(node.rt.exited(pid).unwrap().module, "seq@1");
    }
    assert!(
        node.rt.process(c).is_some_and(|p| p.is_alive()),
        "current code stays"
    );
    assert!(node.rt.module("seq@1").is_none());
    assert_eq!(node.rt.module_versions().len(), 1);
    assert!(node.rt.purge("seq", true).unwrap().versions.is_empty());
    assert_eq!(
        node.rt.purge("nothing", false).unwrap_err(),
        PurgeError::NoModule("nothing".into())
    );
    let purged = saw(&mut events, |k| {
        matches!(k, EventKind::Purged { module, versions, ended: 2 } if module == "seq" && versions == &[1])
    })
    .await;
    assert!(purged, "a purge event");
}

/// Waits up to 5 s for an event of a kind `want` accepts.
async fn saw(events: &mut grain::observe::Observer, want: impl Fn(&EventKind) -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + FIVE_SECONDS;
    while let Ok(Some(update)) = tokio::time::timeout_at(deadline, events.next()).await {
        let found = match &update {
            Update::Full(s) => s.events.iter().any(|e| want(&e.kind)),
            Update::Delta(d) => d.events.iter().any(|e| want(&e.kind)),
        };
        if found {
            return true;
        }
    }
    false
}

#[tokio::test]
async fn a_supervised_child_restarts_on_the_new_version_while_an_old_process_answers_from_the_old()
{
    let node = Node::new();
    let v1 = load(&node, "seq", 1, "");
    let spec = SupervisorSpec::new(
        Strategy::OneForOne,
        vec![
            ChildSpec::worker("follows", &v1, "serve"),
            ChildSpec::worker("pinned", &v1, "serve").pinned(),
        ],
    );
    let sup = node.rt.start_supervisor(spec, None).unwrap();
    let loner = spawn(&node, &v1, ProcessConfig::default());
    let me = node.rt.spawn_host("test").unwrap();
    numbers(&node, loner, 0, 3);
    load(&node, "seq", 2, TAKES_OVER);

    let child = |id: &str| {
        sup.info()
            .children
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.pid)
            .unwrap()
    };
    let (follows, pinned) = (child("follows"), child("pinned"));
    assert_eq!(
        ask(&me, follows).await[0],
        1,
        "running children keep their code"
    );
    node.rt.kill(follows);
    node.rt.kill(pinned);
    eventually("both restarted", || {
        child("follows") != follows && child("pinned") != pinned
    })
    .await;
    assert_eq!(
        ask(&me, child("follows")).await[0],
        2,
        "the restart runs the new code"
    );
    assert_eq!(node.rt.process(child("follows")).unwrap().code(), "seq@2");
    assert_eq!(
        ask(&me, child("pinned")).await[0],
        1,
        "a pinned child stays on @1"
    );
    assert_eq!(
        ask(&me, loner).await[..3],
        [1, 3, 0],
        "the old process answers from @1"
    );
    sup.stop().await;

    // A version dropped while nobody ran it is kept again when a pinned child runs it.
    let old = load(&node, "old", 1, "");
    load(&node, "old", 2, TAKES_OVER);
    assert!(node.rt.module("old@1").is_none(), "nobody ran old@1");
    let spec = SupervisorSpec::new(
        Strategy::OneForOne,
        vec![ChildSpec::worker("pinned", &old, "serve").pinned()],
    );
    let sup = node.rt.start_supervisor(spec, None).unwrap();
    eventually("old@1 kept again", || node.rt.module("old@1").is_some()).await;
    let kept: Vec<String> = node
        .rt
        .module_versions()
        .iter()
        .map(Module::label)
        .collect();
    assert_eq!(kept, ["old@1", "old@2", "seq@1", "seq@2"]);
    sup.stop().await;
}

#[tokio::test]
async fn an_upgrade_keeps_pid_queued_messages_in_order_links_monitors_names_and_limits() {
    let node = Node::new();
    let v1 = load(&node, "seq", 1, "");
    let config = ProcessConfig {
        max_fuel: Some(50_000_000),
        max_memory: Some(4 << 20),
        ..ProcessConfig::default()
    };
    let pid = spawn(&node, &v1, config.clone());
    node.rt.register("sequencer", pid).unwrap();
    let watcher = node.rt.spawn_host("watcher").unwrap();
    watcher.link(pid, 0);
    watcher.monitor(pid);
    let me = node.rt.spawn_host("test").unwrap();
    numbers(&node, pid, 0, 500);
    assert_eq!(ask(&me, pid).await, [1, 500, 0, -1]);
    let fuel_before = node.rt.process(pid).unwrap().stats().fuel_used();
    let v2 = load(&node, "seq", 2, TAKES_OVER);
    let mut events = node.rt.observe();

    // 500 numbers queue before the code-change message and 500 behind it.
    numbers(&node, pid, 500, 1000);
    let upgrade = node.rt.upgrade(pid, &v2, FIVE_SECONDS);
    let sender = async {
        tokio::task::yield_now().await;
        numbers(&node, pid, 1000, 1500);
    };
    let (done, ()) = tokio::join!(upgrade, sender);
    let done = done.expect("upgraded");
    assert_eq!(
        (done.pid, done.from.as_str(), done.to.as_str()),
        (pid, "seq@1", "seq@2")
    );
    assert_eq!(done.state_bytes, 16);
    numbers(&node, pid, 1500, 2000);
    assert_eq!(
        ask(&me, pid).await[..3],
        [2, 2000, 0],
        "v2 saw every number, in order"
    );

    let p = node.rt.process(pid).expect("the same pid lives on");
    assert_eq!(p.code(), "seq@2");
    assert_eq!(node.rt.registry().get("sequencer"), Some(pid));
    assert!(p.links().iter().any(|(l, _)| *l == watcher.pid()));
    assert!(p.monitored_by().contains(&watcher.pid()));
    assert_eq!(p.config().max_fuel, config.max_fuel);
    assert_eq!(p.config().max_memory, config.max_memory);
    assert!(
        p.stats().fuel_used() > fuel_before,
        "fuel use counts on across the upgrade"
    );
    assert!(
        watcher.try_receive(None).is_none(),
        "the watcher heard of no exit"
    );
    let versions: Vec<(String, usize)> = node
        .rt
        .module_versions()
        .iter()
        .map(|m| (m.label(), m.processes()))
        .collect();
    assert_eq!(
        versions,
        [("seq@2".into(), 1)],
        "nobody runs @1, so it went"
    );
    let upgraded = saw(&mut events, |k| {
        matches!(k, EventKind::Upgraded { from, to, state_bytes: 16, .. } if from == "seq@1" && to == "seq@2")
    })
    .await;
    assert!(upgraded, "an upgrade event");

    // The fuel limit holds across the upgrade: a version that spins runs out of it.
    let spins = seq(3, TAKES_OVER).replace(
        r#"(func (export "grain_code_resume") (call $serve))"#,
        r#"(func (export "grain_code_resume") (loop $spin (br $spin)))"#,
    );
    let v3 = node.rt.load("seq", spins.as_bytes()).unwrap();
    node.rt
        .upgrade(pid, &v3, FIVE_SECONDS)
        .await
        .expect("upgraded");
    let reason = wait(&p).await;
    assert!(reason.to_string().contains("out of fuel"), "{reason}");
    let mut heard = Vec::new();
    while let Some(m) = watcher.receive(None, Some(FIVE_SECONDS)).await {
        heard.push(m);
        if heard.len() == 2 {
            break;
        }
    }
    assert!(
        heard.iter().any(|m| matches!(m, Message::LinkDied { .. })),
        "{heard:?}"
    );
    assert!(
        heard
            .iter()
            .any(|m| matches!(m, Message::ProcessDied { .. })),
        "{heard:?}"
    );
}

#[tokio::test]
async fn new_code_that_traps_or_refuses_rolls_back_and_the_old_code_goes_on() {
    let node = Node::new();
    let v1 = load(&node, "seq", 1, "");
    let pid = spawn(&node, &v1, ProcessConfig::default());
    let me = node.rt.spawn_host("test").unwrap();
    numbers(&node, pid, 0, 3);
    let mut events = node.rt.observe();

    let traps = load(&node, "seq", 2, "unreachable");
    let err = node
        .rt
        .upgrade(pid, &traps, FIVE_SECONDS)
        .await
        .unwrap_err();
    let UpgradeError::RolledBack { from, reason, .. } = &err else {
        panic!("not a rollback: {err}")
    };
    assert_eq!(from, "seq@1");
    assert!(
        reason.contains("seq@2") && reason.contains("unreachable"),
        "{reason}"
    );
    numbers(&node, pid, 3, 5);
    assert_eq!(
        ask(&me, pid).await,
        [1, 5, 0, grain::code::HANDOFF_FAILED as i64],
        "v1 goes on with its state, and its handoff said why"
    );

    let refuses = load(&node, "seq", 3, "(i32.const 7)");
    let err = node
        .rt
        .upgrade(pid, &refuses, FIVE_SECONDS)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("refused the state (grain_code_change returned 7)"),
        "{err}"
    );
    assert_eq!(
        ask(&me, pid).await,
        [1, 5, 0, grain::code::HANDOFF_REFUSED as i64]
    );

    // And then a good version takes over.
    let good = load(&node, "seq", 4, TAKES_OVER);
    node.rt
        .upgrade(pid, &good, FIVE_SECONDS)
        .await
        .expect("upgraded");
    assert_eq!(ask(&me, pid).await[..3], [4, 5, 0]);
    let failed = saw(
        &mut events,
        |k| matches!(k, EventKind::UpgradeFailed { to, .. } if to == "seq@2"),
    )
    .await;
    assert!(failed, "a rollback event");
}

#[tokio::test]
async fn code_that_never_hands_over_times_out_and_keeps_running() {
    let node = Node::new();
    // v1 could hand over but ignores the code-change message (it only counts).
    let deaf = r#"
        (import "grain::code" "handoff" (func $handoff (param i32 i32) (result i32)))
        (global $n (mut i64) (i64.const 0))
        (func (export "serve")
          (loop $l
            (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
            (global.set $n (i64.add (global.get $n) (i64.const 1)))
            (br $l)))"#;
    let v1 = node.rt.load("seq", wat(deaf).as_bytes()).unwrap();
    let pid = spawn(&node, &v1, ProcessConfig::default());
    let v2 = load(&node, "seq", 2, TAKES_OVER);
    let err = node
        .rt
        .upgrade(pid, &v2, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        matches!(err, UpgradeError::NoHandoff { pid: p, .. } if p == pid),
        "{err}"
    );
    assert!(err.to_string().contains("--restart"), "{err}");
    let p = node.rt.process(pid).unwrap();
    assert!(p.is_alive());
    assert_eq!(p.code(), "seq@1");

    // Code without the protocol cannot take a state; the same code is no upgrade.
    let plain = node.rt.load("seq", wat(deaf).as_bytes()).unwrap();
    let err = node
        .rt
        .upgrade(pid, &plain, FIVE_SECONDS)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            UpgradeError::NoProtocol {
                missing: "grain_code_change",
                ..
            }
        ),
        "{err}"
    );
    let err = node.rt.upgrade(pid, &v1, FIVE_SECONDS).await.unwrap_err();
    assert!(matches!(err, UpgradeError::SameCode { .. }), "{err}");
    // Code that cannot hand over is never sent the code-change message.
    let plain = r#"(func (export "serve") (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))"#;
    let plain = node.rt.load("plain", wat(plain).as_bytes()).unwrap();
    let other = spawn(&node, &plain, ProcessConfig::default());
    let err = node.rt.upgrade(other, &v2, FIVE_SECONDS).await.unwrap_err();
    assert!(matches!(err, UpgradeError::CannotHandOver { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("does not import grain::code::handoff"),
        "{err}"
    );
    assert_eq!(
        node.rt.process(other).unwrap().mailbox_len(),
        0,
        "nothing was sent"
    );
    let host = node.rt.spawn_host("host").unwrap();
    let err = node
        .rt
        .upgrade(host.pid(), &v2, FIVE_SECONDS)
        .await
        .unwrap_err();
    assert!(matches!(err, UpgradeError::HostProcess(_)), "{err}");
}

/// A `handoff` nobody asked for returns at once; a process killed mid-upgrade ends the
/// upgrade with an error, not a hang.
#[tokio::test]
async fn a_handoff_nobody_asked_for_returns_and_a_kill_ends_an_upgrade() {
    let node = Node::new();
    let v1 = load(&node, "seq", 1, "");
    let pid = spawn(&node, &v1, ProcessConfig::default());
    let me = node.rt.spawn_host("test").unwrap();
    node.rt
        .process(pid)
        .unwrap()
        .send(CODE_CHANGE_TAG, vec![0; 8]);
    assert_eq!(
        ask(&me, pid).await,
        [1, 0, 0, grain::code::HANDOFF_NOT_ASKED as i64]
    );

    // v2 spins in grain_code_change until it is killed.
    let spins = load(&node, "seq", 2, "(loop $spin (br $spin)) (i32.const 0)");
    let rt = node.rt.clone();
    let killer = async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        rt.kill(pid);
    };
    let (err, ()) = tokio::join!(node.rt.upgrade(pid, &spins, FIVE_SECONDS), killer);
    let err = err.unwrap_err();
    assert!(matches!(err, UpgradeError::Ended(p) if p == pid), "{err}");
    eventually("the process ended", || node.rt.exited(pid).is_some()).await;
    assert_eq!(node.rt.exited(pid).unwrap().reason, ExitReason::Killed);
}

/// Hostile or stuck code: a `handoff` from outside memory traps its caller only; new code
/// that spins while taking over is cut off at the timeout and the old code goes on.
#[tokio::test]
async fn bad_pointers_trap_and_new_code_that_spins_is_cut_off() {
    let node = Node::new();
    let bad = r#"
        (import "grain::code" "handoff" (func $handoff (param i32 i32) (result i32)))
        (func (export "main") (drop (call $handoff (i32.const -16) (i32.const 64))))"#;
    let module = node.rt.load("bad", wat(bad).as_bytes()).unwrap();
    let p = node
        .rt
        .spawn(&module, "main", &[], ProcessConfig::default())
        .unwrap();
    let reason = wait(&p).await;
    assert!(
        reason.to_string().contains("grain::code::handoff"),
        "{reason}"
    );

    let v1 = load(&node, "seq", 1, "");
    let pid = spawn(&node, &v1, ProcessConfig::default());
    let me = node.rt.spawn_host("test").unwrap();
    numbers(&node, pid, 0, 2);
    let spins = load(&node, "seq", 2, "(loop $spin (br $spin)) (i32.const 0)");
    let err = node
        .rt
        .upgrade(pid, &spins, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("did not take the state over within"),
        "{err}"
    );
    assert_eq!(
        ask(&me, pid).await,
        [1, 2, 0, grain::code::HANDOFF_FAILED as i64],
        "the old code answers, its state intact"
    );
    // take_state writing outside memory traps the new code: another rollback.
    let writes_out = load(
        &node,
        "seq",
        3,
        "(drop (call $take_state (i32.const -8) (i32.const 16))) (i32.const 0)",
    );
    let err = node
        .rt
        .upgrade(pid, &writes_out, FIVE_SECONDS)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("grain::code::take_state"), "{err}");
    assert_eq!(ask(&me, pid).await[..3], [1, 2, 0]);
}
