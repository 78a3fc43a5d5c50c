//! Test mode of `grain run`: a binary built with `#[lunatic::test]` is detected by its test
//! exports and run the way libtest runs tests — each test in a fresh process and environment
//! (its own registry and captured output), concurrently, with libtest's output and status.

mod args;
mod names;

use std::sync::Arc;
use std::time::Instant;

use grain::{Capture, ExitReason, Module, Output, ProcessConfig, Runtime, Stdio};
use tokio::sync::{Semaphore, mpsc};

pub use names::TestCase;

/// Does this module hold `#[lunatic::test]` tests?
pub fn is_test_binary(module: &Module) -> bool {
    module
        .exports()
        .iter()
        .any(|e| e.name.starts_with(names::PREFIX))
}

/// How one test went.
struct Outcome {
    test: TestCase,
    passed: bool,
    output: String,
}

/// Runs the tests of `module` as libtest would; returns the exit status (0, or 101).
pub async fn run(
    rt: &Runtime,
    module: &Module,
    argv: &[String],
    config: ProcessConfig,
) -> anyhow::Result<i32> {
    let args = args::parse(argv).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tests: Vec<TestCase> = module
        .exports()
        .iter()
        .filter_map(|e| names::parse(&e.name))
        .collect();
    tests.sort_by(|a, b| a.name.cmp(&b.name));
    let total = tests.len();
    tests.retain(|t| args.selects(&t.name));
    let filtered_out = total - tests.len();
    if args.list {
        for t in &tests {
            println!("{}: test", t.name);
        }
        if !args.terse {
            println!("\n{} tests, 0 benchmarks", tests.len());
        }
        return Ok(0);
    }
    let (to_run, ignored): (Vec<TestCase>, Vec<TestCase>) = tests.into_iter().partition(|t| {
        if args.ignored {
            t.ignore
        } else {
            args.include_ignored || !t.ignore
        }
    });
    let ignored: Vec<TestCase> = if args.ignored { Vec::new() } else { ignored };
    let started = Instant::now();
    println!(
        "\nrunning {} test{}",
        to_run.len() + ignored.len(),
        plural(to_run.len() + ignored.len())
    );
    let mut column = 0;
    for t in &ignored {
        report(&args, &t.name, "ignored", 'i', &mut column);
    }
    let threads = args
        .threads
        .or_else(|| std::env::var("RUST_TEST_THREADS").ok()?.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let permits = Arc::new(Semaphore::new(threads));
    let (tx, mut rx) = mpsc::unbounded_channel();
    for test in to_run.clone() {
        let (rt, module, config, permits, tx) = (
            rt.clone(),
            module.clone(),
            config.clone(),
            permits.clone(),
            tx.clone(),
        );
        let nocapture = args.nocapture;
        tokio::spawn(async move {
            let _permit = permits.acquire().await;
            let _ = tx.send(run_one(&rt, &module, test, config, nocapture).await);
        });
    }
    drop(tx);
    let mut outcomes = Vec::new();
    while let Some(outcome) = rx.recv().await {
        let (word, mark) = if outcome.passed {
            ("ok", '.')
        } else {
            ("FAILED", 'F')
        };
        report(&args, &outcome.test.name, word, mark, &mut column);
        if args.nocapture && !outcome.output.is_empty() {
            eprint!("{}", outcome.output);
        }
        outcomes.push(outcome);
    }
    if args.quiet && column > 0 {
        println!();
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed).collect();
    if args.show_output && !args.nocapture {
        section("successes", outcomes.iter().filter(|o| o.passed));
    }
    if !failed.is_empty() {
        section("failures", failed.iter().copied());
        println!("failures:");
        for o in &failed {
            println!("    {}", o.test.name);
        }
    }
    let passed = outcomes.len() - failed.len();
    println!(
        "\ntest result: {}. {passed} passed; {} failed; {} ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len(),
        ignored.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(if failed.is_empty() { 0 } else { 101 })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn report(args: &args::TestArgs, name: &str, word: &str, mark: char, column: &mut usize) {
    if args.quiet {
        print!("{mark}");
        *column += 1;
        if *column == 88 {
            println!();
            *column = 0;
        }
    } else {
        println!("test {name} ... {word}");
    }
}

fn section<'a>(title: &str, outcomes: impl Iterator<Item = &'a Outcome>) {
    println!("\n{title}:\n");
    for o in outcomes {
        println!("---- {} stdout ----\n{}", o.test.name, o.output);
    }
}

async fn run_one(
    rt: &Runtime,
    module: &Module,
    test: TestCase,
    config: ProcessConfig,
    nocapture: bool,
) -> Outcome {
    let capture = Capture::new();
    let stdio = Stdio {
        inherit_stdin: false,
        stdout: if nocapture {
            Output::Inherit
        } else {
            Output::Capture(capture.clone())
        },
        stderr: Output::Capture(capture.clone()),
    };
    let env = rt.new_environment(stdio);
    let reason = match rt.spawn_in(&env, module, &test.export, &[], config) {
        Ok(process) => process.wait().await,
        Err(e) => {
            return Outcome {
                test,
                passed: false,
                output: format!("grain: cannot start the test: {e}\n"),
            };
        }
    };
    // Whatever the test left running goes with it.
    for p in rt
        .processes()
        .into_iter()
        .filter(|p| p.environment_id() == env.id)
    {
        p.kill();
    }
    let mut output = capture.text();
    let passed = match (&test.should_panic, &reason) {
        (None, ExitReason::Normal) => true,
        (None, other) => {
            // A panic already explains itself; other failures get grain's account.
            if !output.contains("panicked at") {
                output.push_str(&describe(other));
            }
            false
        }
        (Some(_), ExitReason::Normal) => {
            output.push_str("note: test did not panic as expected\n");
            false
        }
        // The test's process failed: by its own panic, or taken down by a linked process
        // that panicked (the panic message is in the captured output either way).
        (Some(expected), _) => {
            let ok = expected.is_empty() || output.contains(expected.as_str());
            if !ok {
                output.push_str(&format!(
                    "note: panic did not contain expected string\n      expected substring: `{expected:?}`\n"
                ));
            }
            ok
        }
    };
    Outcome {
        test,
        passed,
        output,
    }
}

fn describe(reason: &ExitReason) -> String {
    match reason {
        ExitReason::Trap(trap) => format!("grain: the test process trapped: {trap}"),
        other => format!("grain: the test process ended: {other}\n"),
    }
}
