//! Supervisors: strategies, restart types, intensity, nesting, shutdown order — with real
//! crashing guests (trap, out of fuel, memory limit, kill).

use std::time::Duration;

use grain::observe::{EventKind, Update};
use grain::supervisor::{
    ChildKind, ChildSpec, Intensity, Restart, Strategy, Supervisor, SupervisorSpec,
};
use grain::{ExitReason, Module, Pid, ProcessConfig};

use crate::support::{Node, eventually, wait};

/// A worker that waits for orders: tag 1 traps, 2 spins (out of fuel under a fuel limit),
/// 3 grows memory (hits a memory limit), 4 returns normally.
const WORKER: &str = r#"
    (func (export "work")
      (local $tag i64)
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      (local.set $tag (call $get_tag))
      (if (i64.eq (local.get $tag) (i64.const 1)) (then unreachable))
      (if (i64.eq (local.get $tag) (i64.const 2)) (then (loop $l (br $l))))
      (if (i64.eq (local.get $tag) (i64.const 3))
        (then (loop $l (drop (memory.grow (i32.const 16))) (br $l)))))
"#;

fn worker(module: &Module, id: &str) -> ChildSpec {
    ChildSpec {
        id: id.to_owned(),
        kind: ChildKind::Worker {
            pinned: false,
            module: module.clone(),
            function: "work".into(),
            params: vec![],
            config: ProcessConfig {
                max_fuel: Some(2_000_000),
                max_memory: Some(1 << 20),
                ..ProcessConfig::default()
            },
        },
        restart: Restart::Permanent,
        name: None,
    }
}

fn pid_of(sup: &Supervisor, id: &str) -> Option<Pid> {
    sup.info()
        .children
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.pid)
}

fn pids(sup: &Supervisor) -> Vec<Option<Pid>> {
    sup.info().children.iter().map(|c| c.pid).collect()
}

/// Waits until child `id` runs with a pid other than `old`; returns it.
async fn restarted(sup: &Supervisor, id: &str, old: Pid) -> Pid {
    eventually(&format!("{id} restarted"), || {
        pid_of(sup, id).is_some_and(|p| p != old)
    })
    .await;
    pid_of(sup, id).unwrap()
}

fn order(node: &Node, pid: Pid, tag: i64) {
    node.rt.process(pid).expect("alive").send(tag, Vec::new());
}

#[tokio::test]
async fn one_for_one_restarts_only_the_dead_child_whatever_killed_it() {
    let node = Node::new();
    let module = node.load(WORKER);
    let spec = SupervisorSpec {
        strategy: Strategy::OneForOne,
        intensity: Intensity {
            max_restarts: 10,
            period: Duration::from_secs(10),
        },
        children: vec![worker(&module, "a"), worker(&module, "b")],
    };
    let sup = node.rt.start_supervisor(spec, Some("sup")).unwrap();
    assert_eq!(node.rt.registry().get("sup"), Some(sup.pid()));
    let b = pid_of(&sup, "b").unwrap();
    let mut a = pid_of(&sup, "a").unwrap();
    for (tag, kind) in [(1, "unreachable"), (2, "out of fuel"), (3, "memory limit")] {
        order(&node, a, tag);
        let new = restarted(&sup, "a", a).await;
        let exit = node.rt.exited(a).expect("remembered");
        assert!(
            exit.reason.to_string().contains(kind),
            "{kind}: {}",
            exit.reason
        );
        a = new;
    }
    node.rt.kill(a);
    let a2 = restarted(&sup, "a", a).await;
    assert_eq!(pid_of(&sup, "b"), Some(b), "the sibling was left alone");
    assert_eq!(sup.info().children[0].restarts, 4);
    assert!(
        node.rt
            .process(a2)
            .unwrap()
            .links()
            .iter()
            .any(|(p, _)| *p == sup.pid())
    );
    sup.stop().await;
}

#[tokio::test]
async fn one_for_all_restarts_every_child() {
    let node = Node::new();
    let module = node.load(WORKER);
    let spec = SupervisorSpec::new(
        Strategy::OneForAll,
        vec![
            worker(&module, "a"),
            worker(&module, "b"),
            worker(&module, "c"),
        ],
    );
    let sup = node.rt.start_supervisor(spec, None).unwrap();
    let before = pids(&sup);
    order(&node, before[1].unwrap(), 1);
    restarted(&sup, "b", before[1].unwrap()).await;
    eventually("all restarted", || {
        let now = pids(&sup);
        now.iter().zip(&before).all(|(n, b)| n.is_some() && n != b)
    })
    .await;
    sup.stop().await;
}

#[tokio::test]
async fn rest_for_one_restarts_the_dead_child_and_those_started_after_it() {
    let node = Node::new();
    let module = node.load(WORKER);
    let spec = SupervisorSpec::new(
        Strategy::RestForOne,
        vec![
            worker(&module, "a"),
            worker(&module, "b"),
            worker(&module, "c"),
        ],
    );
    let sup = node.rt.start_supervisor(spec, None).unwrap();
    let before = pids(&sup);
    order(&node, before[1].unwrap(), 1);
    restarted(&sup, "b", before[1].unwrap()).await;
    restarted(&sup, "c", before[2].unwrap()).await;
    assert_eq!(pids(&sup)[0], before[0]);
    sup.stop().await;
}

#[tokio::test]
async fn restart_types_decide_what_comes_back() {
    let node = Node::new();
    let module = node.load(WORKER);
    let spec = SupervisorSpec::new(
        Strategy::OneForOne,
        vec![
            worker(&module, "perm"),
            worker(&module, "trans-ok").restart(Restart::Transient),
            worker(&module, "trans-crash").restart(Restart::Transient),
            worker(&module, "temp").restart(Restart::Temporary),
        ],
    );
    let sup = node.rt.start_supervisor(spec, None).unwrap();
    let [perm, ok, crash, temp] = [0, 1, 2, 3].map(|i| pids(&sup)[i].unwrap());
    order(&node, perm, 4); // a normal end: permanent children come back anyway
    order(&node, ok, 4); // transient + normal end: stays down
    order(&node, crash, 1); // transient + crash: comes back
    order(&node, temp, 1); // temporary: forgotten
    restarted(&sup, "perm", perm).await;
    restarted(&sup, "trans-crash", crash).await;
    eventually("temp forgotten", || sup.info().children.len() == 3).await;
    eventually("trans-ok down", || pid_of(&sup, "trans-ok").is_none()).await;
    sup.stop().await;
}

#[tokio::test]
async fn past_its_intensity_a_supervisor_gives_up_and_its_supervisor_reacts() {
    let node = Node::new();
    let module = node.load(WORKER);
    let inner = SupervisorSpec {
        strategy: Strategy::OneForOne,
        intensity: Intensity {
            max_restarts: 1,
            period: Duration::from_secs(10),
        },
        children: vec![worker(&module, "w")],
    };
    let outer = SupervisorSpec::new(
        Strategy::OneForOne,
        vec![ChildSpec::supervisor("inner", inner)],
    );
    let top = node.rt.start_supervisor(outer, None).unwrap();
    let mut observer = node.rt.observe();
    let inner_pid = pid_of(&top, "inner").unwrap();
    let inner_sup = node.rt.supervisor(inner_pid).expect("a supervisor");
    let w = pid_of(&inner_sup, "w").unwrap();
    order(&node, w, 1);
    let w2 = restarted(&inner_sup, "w", w).await;
    order(&node, w2, 1); // the second restart within the window is one too many
    let new_inner = restarted(&top, "inner", inner_pid).await;
    let reason = node.rt.exited(inner_pid).expect("remembered").reason;
    assert!(
        matches!(&reason, ExitReason::Shutdown { reason } if reason.contains("intensity")),
        "{reason:?}"
    );
    assert!(
        node.rt.process(w2).is_none(),
        "the gave-up supervisor stopped its child"
    );
    let fresh = node.rt.supervisor(new_inner).unwrap();
    assert!(pid_of(&fresh, "w").is_some());

    let mut gave_up = false;
    let mut restarted_inner = false;
    while !(gave_up && restarted_inner) {
        let update = tokio::time::timeout(Duration::from_secs(5), observer.next())
            .await
            .unwrap()
            .unwrap();
        let events = match update {
            Update::Full(s) => s.events,
            Update::Delta(d) => d.events,
        };
        for e in events {
            gave_up |= e.pid == inner_pid && matches!(e.kind, EventKind::GaveUp { .. });
            restarted_inner |= e.pid == top.pid()
                && matches!(&e.kind, EventKind::Restarted { child, new, .. } if child == "inner" && *new == new_inner);
        }
    }
    top.stop().await;
    assert!(node.rt.process(new_inner).is_none());
}

#[tokio::test]
async fn a_supervisor_stops_its_children_in_reverse_start_order() {
    let node = Node::new();
    let module = node.load(WORKER);
    let spec = SupervisorSpec::new(
        Strategy::OneForOne,
        vec![
            worker(&module, "a"),
            worker(&module, "b"),
            worker(&module, "c"),
        ],
    );
    let sup = node.rt.start_supervisor(spec, None).unwrap();
    let started: Vec<Pid> = pids(&sup).into_iter().map(Option::unwrap).collect();
    sup.stop().await;
    assert_eq!(wait(sup.process()).await, ExitReason::Normal);
    let ends: Vec<u64> = started
        .iter()
        .map(|p| node.rt.exited(*p).unwrap().at_us)
        .collect();
    assert!(
        ends[2] <= ends[1] && ends[1] <= ends[0],
        "ended at {ends:?}"
    );
}

#[tokio::test]
async fn killing_a_supervisor_takes_its_children_with_it() {
    let node = Node::new();
    let module = node.load(WORKER);
    let sup = node
        .rt
        .start_supervisor(
            SupervisorSpec::new(Strategy::OneForOne, vec![worker(&module, "a")]),
            None,
        )
        .unwrap();
    let a = pid_of(&sup, "a").unwrap();
    node.rt.kill(sup.pid());
    assert_eq!(wait(sup.process()).await, ExitReason::Killed);
    eventually("the child died with its supervisor", || {
        node.rt.process(a).is_none()
    })
    .await;
    assert!(node.rt.supervisor(sup.pid()).is_none());
}

#[tokio::test]
async fn a_child_can_be_restarted_by_hand() {
    let node = Node::new();
    let module = node.load(WORKER);
    let sup = node
        .rt
        .start_supervisor(
            SupervisorSpec::new(Strategy::OneForOne, vec![worker(&module, "a")]),
            None,
        )
        .unwrap();
    let a = pid_of(&sup, "a").unwrap();
    let a2 = sup.restart_child("a").await.unwrap();
    assert_ne!(a, a2);
    assert_eq!(pid_of(&sup, "a"), Some(a2));
    assert!(sup.restart_child("nope").await.is_err());
    sup.stop().await;
}

/// A guest acting as a supervisor: traps link deaths and re-spawns its crashing child.
#[tokio::test]
async fn restarts_done_by_a_guest_supervisor_are_restart_events_with_lineage() {
    let node = Node::new();
    let mut observer = node.rt.observe();
    let (reason, _) = node
        .run(
            r#"
    (data (i32.const 1024) "child")
    (func (export "child") (param i64) (call $sleep_ms (i64.const 5)) unreachable)
    (func (export "main")
      (local $i i32)
      (call $die_when_link_dies (i32.const 0))
      (loop $again
        (drop (call $spawn_arg (i64.const 1) (i32.const 1024) (i32.const 5) (i64.const 42)))
        (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 3)))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    let mut restarts = Vec::new();
    while restarts.len() < 2 {
        let update = tokio::time::timeout(Duration::from_secs(5), observer.next())
            .await
            .unwrap()
            .unwrap();
        let events = match update {
            Update::Full(s) => s.events,
            Update::Delta(d) => d.events,
        };
        for e in events {
            if let EventKind::Restarted {
                child,
                old,
                new,
                restarts: n,
                reason,
                ..
            } = e.kind
            {
                assert_eq!(child, "child");
                assert!(reason.contains("unreachable"), "{reason}");
                let old_parent = node.rt.exited(old.unwrap()).unwrap().parent;
                assert_eq!(
                    old_parent,
                    Some(e.pid),
                    "the old child was the supervisor's"
                );
                restarts.push((n, new));
            }
        }
    }
    assert_eq!(restarts.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2]);
}
