//! Hostile guests: every host function called with hostile arguments, and processes that
//! overflow their stack or try to spawn without limits. Each offender gets a clear exit
//! reason, the host never panics, and a well-behaved neighbour keeps answering.

use std::time::Duration;

use grain::{ExitReason, ProcessConfig, TrapKind};

use crate::support::{Node, trap_kind, wait};

/// A hostile value for each wasm type: pointers and lengths at the very top of the 4 GiB
/// address space (out of bounds, misaligned, wrapping), and resource ids nobody issued.
fn hostile(ty: &str) -> &'static str {
    match ty {
        "i32" => "(i32.const -3)",
        "i64" => "(i64.const 0x7ffffffffffffff3)",
        "f64" => "(f64.const -1)",
        other => panic!("unexpected type {other}"),
    }
}

/// How a call with hostile arguments ended.
#[derive(Debug, Default)]
struct Outcomes {
    trapped: Vec<String>,
    returned: Vec<String>,
    /// Ended another way on purpose (a link to a process that does not exist fails at once).
    other: Vec<String>,
    blocked: Vec<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_host_function_survives_hostile_arguments() {
    let node = Node::with_capacity(512);
    let mut running = Vec::new();
    for (module, name, params, results) in crate::abi_table::abi() {
        let args: String = params.iter().map(|t| hostile(t)).collect();
        let drops = "(drop)".repeat(results.len());
        let body = format!(
            r#"(import "{module}" "{name}" (func $hostile (param {p}) (result {r})))
               (func (export "main") (call $hostile {args}) {drops})"#,
            p = params.join(" "),
            r = results.join(" "),
        );
        // Every permission: the calls get past the permission checks to the pointers.
        let process = node
            .rt
            .spawn(&node.load(&body), "main", &[], ProcessConfig::root())
            .unwrap_or_else(|e| panic!("{module}::{name}: {e}"));
        running.push((format!("{module}::{name}"), process));
    }
    // A neighbour answers while they run.
    let neighbour = node.spawn(
        r#"(func (export "main") (call $print_num (i64.const 7)))"#,
        "main",
    );
    assert_eq!(wait(&neighbour).await, ExitReason::Normal);

    let mut outcomes = Outcomes::default();
    for (name, process) in &running {
        match tokio::time::timeout(Duration::from_secs(3), process.wait()).await {
            Ok(ExitReason::Trap(trap)) => {
                assert!(!trap.message.is_empty(), "{name}: a trap without a message");
                outcomes.trapped.push(name.clone());
            }
            Ok(ExitReason::Normal) => outcomes.returned.push(name.clone()),
            Ok(other) => outcomes.other.push(format!("{name}: {other}")),
            Err(_) => {
                // Blocked (a sleep or receive with a huge timeout, an accept): a kill ends it.
                process.kill();
                assert_eq!(wait(process).await, ExitReason::Killed, "{name}");
                outcomes.blocked.push(name.clone());
            }
        }
    }
    println!("{outcomes:#?}");
    assert_eq!(
        outcomes.trapped.len()
            + outcomes.returned.len()
            + outcomes.other.len()
            + outcomes.blocked.len(),
        140
    );
    // Most calls read or write guest memory, so most trap; a blocked call is the exception.
    assert!(outcomes.trapped.len() > 80, "{outcomes:#?}");
    assert!(outcomes.blocked.len() < 10, "{outcomes:#?}");
    // The runtime still works after all of it.
    let after = node.spawn(
        r#"(func (export "main") (call $print_num (i64.const 8)))"#,
        "main",
    );
    assert_eq!(wait(&after).await, ExitReason::Normal);
    assert_eq!(node.lines(), ["7", "8"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn infinite_recursion_is_a_stack_overflow_trap() {
    let node = Node::new();
    let (reason, _) = node
        .run(
            r#"(func $deeper (param i64) (result i64)
                 (i64.add (i64.const 1) (call $deeper (i64.add (local.get 0) (i64.const 1)))))
               (func (export "main") (drop (call $deeper (i64.const 0))))"#,
        )
        .await;
    assert_eq!(
        trap_kind(&reason),
        Some(TrapKind::StackOverflow),
        "{reason}"
    );
    // The trace keeps the innermost 64 frames, says it was cut, and folds the recursion
    // (the innermost frame, at the call that overflowed, has no offset of its own).
    let trap = reason.trap().expect("a trap");
    assert_eq!(trap.backtrace.len(), 64);
    assert!(trap.backtrace_cut);
    let text = trap.to_string();
    assert!(
        text.contains("… the frame above 62 more times")
            && text.contains("… deeper frames not shown (a trace keeps the innermost 64)")
            && text.lines().count() < 8,
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawn_bomb_stops_at_the_node_process_limit_and_the_node_recovers() {
    let node = Node::with_capacity(200);
    // Every process spawns two more of itself, ignoring refusals, and stays.
    let module = node.load(
        r#"(data (i32.const 2000) "bomb")
           (func $one
             (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
               (i32.const 2000) (i32.const 4) (i32.const 32) (i32.const 0) (i32.const 24))))
           (func (export "bomb") (call $one) (call $one) (call $sleep_ms (i64.const 100000)))"#,
    );
    node.rt
        .spawn(&module, "bomb", &[], ProcessConfig::root())
        .expect("the first bomb");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while node.rt.process_count() < 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bomb never filled the node"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Full: the host's own spawn is refused with a clear error, never a panic.
    let refused = node.rt.spawn(&module, "bomb", &[], ProcessConfig::root());
    assert!(
        matches!(refused, Err(grain::Error::ProcessLimit(200))),
        "{:?}",
        refused.map(|p| p.pid())
    );
    // A bomb spawned after a sweep's snapshot may spawn again: sweep until none is left.
    crate::support::eventually("the bombs are gone", || {
        for p in node.rt.processes() {
            p.kill();
        }
        node.rt.process_count() == 0
    })
    .await;
    let after = node.spawn(
        r#"(func (export "main") (call $print_num (i64.const 1)))"#,
        "main",
    );
    assert_eq!(wait(&after).await, ExitReason::Normal);
}
