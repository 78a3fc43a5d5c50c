//! Rust guests built on the `lunatic` crate run unmodified under `grain run`.

use crate::support::{guest, run};

fn run_guest(name: &str, extra: &[&str]) -> crate::support::Output {
    let path = guest(name);
    let path = path.to_str().unwrap();
    let mut args = vec!["run"];
    let split = extra.iter().position(|a| *a == "--").unwrap_or(extra.len());
    args.extend(&extra[..split]);
    args.push(path);
    args.extend(extra.iter().skip(split + 1));
    run(&args)
}

#[test]
fn spawn_and_send() {
    let out = run_guest("spawn_send", &[]);
    assert_eq!(
        out.stdout,
        "1 squared is 1\n2 squared is 4\n3 squared is 9\n"
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
}

#[test]
fn spawn_link_with_a_parent_that_catches_link_failure() {
    let out = run_guest("spawn_link", &[]);
    assert_eq!(
        out.stdout,
        "spawning a linked child that panics\nthe parent got a link-died notice and lives on\n"
    );
    assert!(out.stderr.contains("the child gives up"), "{}", out.stderr);
    assert_eq!(out.status, 0);
}

#[test]
fn abstract_process_with_requests() {
    let out = run_guest("abstract_process", &[]);
    assert_eq!(out.stdout, "start: 10\nafter +5 +7: 22\n");
    assert_eq!(out.status, 0, "{}", out.stderr);
}

#[test]
fn a_supervisor_restarts_its_failing_child() {
    let out = run_guest("supervisor", &[]);
    assert_eq!(
        out.stdout,
        "before the crash: 102\nafter the restart: 100\n"
    );
    assert!(out.stderr.contains("the worker crashes on purpose"));
    assert_eq!(out.status, 0);
}

#[test]
fn timers_fire_and_cancelled_ones_do_not() {
    let out = run_guest("timers", &[]);
    assert_eq!(
        out.stdout,
        "received: delayed ping\nwaited at least 50 ms: true\nthe cancelled ping never came\n"
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
}

#[test]
fn registry_lookups() {
    let out = run_guest("registry", &[]);
    assert_eq!(
        out.stdout,
        "found the greeter: true\nhello, registry\nunknown name: None\n"
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
}

#[test]
fn arguments_and_granted_environment_reach_the_guest() {
    let out = run_guest("hello", &["--env", "GREETING=hi", "--", "a", "b"]);
    assert_eq!(
        out.stdout,
        "Hello from a lunatic guest!\nargs: [\"a\", \"b\"]\nGREETING=hi\n"
    );
    // Nothing of the host's environment leaks in unless granted.
    let out = run_guest("hello", &[]);
    assert_eq!(
        out.stdout,
        "Hello from a lunatic guest!\nargs: []\nno GREETING\n"
    );
}

#[test]
fn a_panic_exits_101_with_the_message_on_stderr() {
    let out = run_guest("panic", &[]);
    assert_eq!(out.stdout, "about to panic\n");
    assert_eq!(out.status, 101);
    assert!(
        out.stderr.contains("something went wrong"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("trapped: unreachable"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("panic::main"),
        "a demangled backtrace: {}",
        out.stderr
    );
}

#[test]
fn process_exit_3_exits_3() {
    let out = run_guest("exit3", &[]);
    assert_eq!(out.stdout, "exiting with 3\n");
    assert_eq!(out.status, 3);
    assert_eq!(out.stderr, "");
}

/// The restarts a lunatic-rs `Supervisor` does are recognised as restart events, with the
/// lineage from the supervising process to the old and new child.
#[test]
fn a_lunatic_rs_supervisors_restarts_are_restart_events() {
    use grain::observe::{EventKind, Update};
    let wasm = guest("supervisor");
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio.block_on(async {
        let (stdio, out, _) = grain::Stdio::captured();
        let config = grain::RuntimeConfig {
            max_processes: 64,
            stdio,
            ..Default::default()
        };
        let rt = grain::Runtime::new(config).unwrap();
        let mut observer = rt.observe();
        let module = rt.load_file(&wasm).unwrap();
        let main = rt
            .spawn(&module, "_start", &[], grain::ProcessConfig::root())
            .unwrap();
        // Should the guest ever wait forever (it once asked a dead worker), fail with what it
        // printed rather than hang the suite.
        let ended = tokio::time::timeout(std::time::Duration::from_secs(60), main.wait()).await;
        assert_eq!(
            ended,
            Ok(grain::ExitReason::Normal),
            "the supervisor guest did not end; it printed:\n{}",
            out.text()
        );
        assert!(
            out.text().contains("after the restart: 100"),
            "{}",
            out.text()
        );
        let mut restart = None;
        while restart.is_none() {
            let update = tokio::time::timeout(std::time::Duration::from_secs(5), observer.next())
                .await
                .expect("an update")
                .expect("the stream is open");
            let events = match update {
                Update::Full(s) => s.events,
                Update::Delta(d) => d.events,
            };
            restart = events.into_iter().find_map(|e| match e.kind {
                EventKind::Restarted {
                    old,
                    new,
                    reason,
                    restarts,
                    ..
                } => Some((e.pid, old, new, reason, restarts)),
                _ => None,
            });
        }
        let (supervisor, old, new, reason, restarts) = restart.unwrap();
        assert_eq!(restarts, 1);
        assert!(reason.contains("unreachable"), "{reason}");
        let old = rt.exited(old.expect("the old child")).expect("remembered");
        assert_eq!(
            old.parent,
            Some(supervisor),
            "the old child was the supervisor's"
        );
        assert_ne!(old.pid, new);
        rt.shutdown();
    });
}

/// A lunatic-rs process started through the spawn trampoline shows what it runs: an
/// AbstractProcess's entry, not `_lunatic_spawn_by_index_0.14.1`.
#[test]
fn ps_names_what_a_lunatic_rs_process_runs() {
    let path = guest("abstract_process");
    let script = format!("run {}\nreceive 500\nps", path.display());
    let out = crate::support::run_with_input(&["shell"], &script);
    assert!(
        out.stdout
            .contains("abstract_process@1.lunatic::ap::lifecycles::entry")
            && !out.stdout.contains("_lunatic_spawn_by_index"),
        "{}",
        out.stdout
    );
}

/// A Rust guest's runaway recursion prints a short, folded trace that says it was cut.
#[test]
fn a_stack_overflow_prints_a_folded_backtrace() {
    let out = run_guest("hostile", &["--", "recurse"]);
    assert_eq!(out.status, 101, "{}", out.stderr);
    let trace: Vec<&str> = out
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("wasm backtrace:"))
        .collect();
    assert!(
        trace.iter().any(|l| l.contains("more times"))
            && trace.iter().any(|l| l.contains("deeper frames not shown"))
            && trace.len() < 16,
        "{}",
        out.stderr
    );
}

#[test]
fn a_hostile_rust_guest_is_contained_by_its_limits() {
    for (extra, says) in [
        (&["--max-memory", "16MiB", "--", "bomb"][..], "memory limit"),
        (&["--max-fuel", "100M", "--", "spin"][..], "out of fuel"),
        (&["--", "recurse"][..], "stack overflow"),
    ] {
        let out = run_guest("hostile", extra);
        assert_eq!(out.status, 101, "{extra:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{extra:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked at"), "{}", out.stderr);
    }
}
