//! `grain run` as cargo's test runner: a `#[lunatic::test]` binary runs libtest-style, and
//! every libtest flag cargo and people pass does what libtest does.

use crate::support::{guest_tests, run};

fn tests(flags: &[&str]) -> crate::support::Output {
    let bin = guest_tests();
    let mut args = vec!["run", bin.to_str().unwrap()];
    args.extend(flags);
    run(&args)
}

fn lines(out: &str, prefix: &str) -> Vec<String> {
    let mut l: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with(prefix) && l.contains(" ... "))
        .map(str::to_owned)
        .collect();
    l.sort();
    l
}

#[test]
fn a_plain_run_passes_and_reports_ignored_tests() {
    let out = tests(&[]);
    assert_eq!(out.status, 0, "{}", out.stdout);
    assert!(out.stdout.contains("running 7 tests"));
    assert_eq!(
        lines(&out.stdout, "test "),
        [
            "test adds ... ok",
            "test ignored_and_failing ... ignored",
            "test ignored_test ... ignored",
            "test nested::inner ... ok",
            "test panics_as_expected ... ok",
            "test prints_something ... ok",
            "test talks_to_a_child ... ok",
        ]
    );
    assert!(
        out.stdout
            .contains("test result: ok. 5 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out")
    );
    assert!(
        !out.stdout.contains("output of prints_something"),
        "output is captured"
    );
}

#[test]
fn list_and_terse_list_name_tests_as_libtest_does() {
    let out = tests(&["--list"]);
    assert!(out.stdout.contains("nested::inner: test\n"));
    assert!(
        out.stdout.ends_with("\n7 tests, 0 benchmarks\n"),
        "{}",
        out.stdout
    );
    let terse = tests(&["--list", "--format", "terse"]);
    assert_eq!(terse.stdout.lines().count(), 7);
    assert!(!terse.stdout.contains("benchmarks"));
}

#[test]
fn filters_exact_and_skip_select_tests() {
    let out = tests(&["inner"]);
    assert!(
        out.stdout
            .contains("1 passed; 0 failed; 0 ignored; 0 measured; 6 filtered out"),
        "{}",
        out.stdout
    );
    let exact = tests(&["inner", "--exact"]);
    assert!(exact.stdout.contains("running 0 tests"));
    let exact = tests(&["nested::inner", "--exact"]);
    assert!(exact.stdout.contains("test nested::inner ... ok"));
    let skip = tests(&["--skip", "ignored", "--skip", "talks"]);
    assert!(
        skip.stdout
            .contains("4 passed; 0 failed; 0 ignored; 0 measured; 3 filtered out"),
        "{}",
        skip.stdout
    );
}

#[test]
fn ignored_and_include_ignored_run_the_ignored_tests() {
    let out = tests(&["--ignored"]);
    assert_eq!(out.status, 101);
    assert!(out.stdout.contains("running 2 tests"));
    assert!(out.stdout.contains("test ignored_test ... ok"));
    assert!(out.stdout.contains("test ignored_and_failing ... FAILED"));
    assert!(
        out.stdout.contains("this one fails when run"),
        "the failure's output is shown"
    );
    assert!(out.stdout.contains("failures:\n    ignored_and_failing"));
    let all = tests(&["--include-ignored"]);
    assert!(
        all.stdout.contains("6 passed; 1 failed; 0 ignored"),
        "{}",
        all.stdout
    );
}

#[test]
fn nocapture_and_show_output_let_output_through() {
    let out = tests(&["prints", "--nocapture"]);
    assert!(
        out.stdout.contains("output of prints_something\n"),
        "{}",
        out.stdout
    );
    let out = tests(&["prints", "--show-output"]);
    assert!(
        out.stdout.contains(
            "successes:\n\n---- prints_something stdout ----\noutput of prints_something"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn quiet_and_test_threads() {
    let out = tests(&["-q", "--test-threads", "1"]);
    assert_eq!(out.status, 0);
    let marks = out
        .stdout
        .lines()
        .find(|l| !l.is_empty() && l.chars().all(|c| c == '.' || c == 'i'))
        .unwrap_or("");
    assert_eq!(
        (marks.matches('i').count(), marks.matches('.').count()),
        (2, 5),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("test adds ... ok"));
    let out = tests(&["--test-threads=1", "adds"]);
    assert!(out.stdout.contains("test adds ... ok"));
}

#[test]
fn should_panic_checks_the_expected_text_in_todays_panic_format() {
    let out = tests(&["panics_as_expected"]);
    assert!(
        out.stdout.contains("test panics_as_expected ... ok"),
        "{}",
        out.stdout
    );
}

#[test]
fn unknown_flags_are_refused() {
    let out = tests(&["--frobnicate"]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("Unrecognized option: 'frobnicate'"),
        "{}",
        out.stderr
    );
}
