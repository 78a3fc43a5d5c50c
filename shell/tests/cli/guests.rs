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
