//! The AssemblyScript guests (`examples/assemblyscript`): built from a fresh `npm ci` and
//! one `npm run build` per test run, then run with `grain run`, an application file and the
//! shell. Node and npm are needed (CI has them); a missing tool fails, it never skips.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use crate::support::{Output, root, run, run_with_input};

static BUILT: Mutex<bool> = Mutex::new(false);

fn npm(dir: &Path, args: &[&str]) {
    let out = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("npm {args:?} does not start ({e}); node and npm are needed"));
    assert!(
        out.status.success(),
        "npm {args:?} in {} failed:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds the examples once per test run: installs the pinned compiler from the lock file
/// (`npm ci`), then `npm run build` (every `examples/*.ts` to `build/*.wasm`).
pub fn build() {
    let dir = root().join("examples/assemblyscript");
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !*built {
        npm(&dir, &["ci", "--no-audit", "--no-fund"]);
        npm(&dir, &["run", "build"]);
        *built = true;
    }
}

/// The path of a built example, `examples/assemblyscript/build/NAME.wasm`, relative to the
/// repository root (where `grain` runs), building the examples first.
pub fn example(name: &str) -> String {
    build();
    let path = format!("examples/assemblyscript/build/{name}.wasm");
    assert!(root().join(&path).exists(), "{path} was not built");
    path
}

fn run_example(name: &str) -> Output {
    run(&["run", &example(name)])
}

#[test]
fn hello_prints_and_top_level_code_can_send() {
    let out = run_example("hello");
    assert_eq!(
        out.stdout,
        "Hello from AssemblyScript on grain\ntop-level code sent me: a message sent by top-level code\n",
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 0);
}

#[test]
fn ping_pong_spawns_by_function_reference() {
    let out = run_example("ping_pong");
    assert_eq!(
        out.stdout,
        "round 1: pong 1\nround 2: pong 2\nround 3: pong 3\nafter 1003 round trips: 1003\n",
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 0);
}

#[test]
fn a_ring_of_a_hundred_processes_passes_the_token() {
    let out = run_example("ring");
    assert_eq!(
        out.stdout, "a ring of 100 processes, 10 rounds\nthe token made 990 hops\n",
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 0);
}

#[test]
fn a_crash_is_seen_through_a_trapped_link() {
    let out = run_example("link_crash");
    assert_eq!(
        out.stdout,
        "spawned a linked child that will index out of range\n\
         LinkDied from the child, link tag 42\nthe parent lives on\n",
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("abort: Index out of range in ~lib/staticarray.ts("),
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 0);
}

#[test]
fn abort_is_a_trap_with_its_message_and_place() {
    let out = run_example("crash");
    assert_eq!(out.stdout, "checking the balance\n");
    assert!(
        out.stderr
            .contains("abort: the balance went negative in examples/crash.ts(6:3)\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("trapped: unreachable") && out.stderr.contains("examples/crash/_start"),
        "a trap with a named backtrace: {}",
        out.stderr
    );
    assert_eq!(out.status, 101);
}

#[test]
fn the_toolbox_uses_registry_monitors_timers_and_the_codec() {
    let out = run_example("toolbox");
    assert_eq!(
        out.stdout,
        "whereis idle: the spawned process\nafter unregister: no such name\n\
         monitor: ProcessDied\nalive after kill: false\ncancelled a timer: true\n\
         timer: late hello\nthe cancelled one: timed out\nslept at least 20 ms: true\n\
         codec: grüße -5 2.5 [1,2,255] done=true\nMath.random in [0, 1): true\n",
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 0);
}

#[test]
fn an_application_file_restarts_the_worker_until_its_intensity() {
    example("supervised");
    let out = run(&["run", "examples/assemblyscript/app.toml"]);
    assert_eq!(
        out.stdout,
        "worker up\n".repeat(3),
        "started, then restarted twice"
    );
    assert_eq!(
        out.stderr
            .matches("abort: worker idle for 200 ms, crashing on purpose")
            .count(),
        3,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("reached its restart intensity (2 restarts in 10s)"),
        "{}",
        out.stderr
    );
    assert_eq!(out.status, 1);
}

#[test]
fn an_unbuilt_example_says_how_to_build_it() {
    let out = run(&["run", "examples/assemblyscript/build/not_an_example.wasm"]);
    assert!(
        out.stderr
            .contains("build the AssemblyScript examples first: cd examples/assemblyscript && npm ci && npm run build"),
        "{}",
        out.stderr
    );
    assert_ne!(out.status, 0);
}

#[test]
fn a_module_importing_env_abort_gets_the_link_error_and_a_hint() {
    let dir = crate::support::temp_dir("as-env");
    let wat = dir.join("plain.wat");
    std::fs::write(
        &wat,
        r#"(module (import "env" "abort" (func (param i32 i32 i32 i32))) (func (export "_start")))"#,
    )
    .unwrap();
    let out = run(&["run", wat.to_str().unwrap()]);
    assert!(
        out.stderr
            .contains("unknown import: `env::abort` has not been defined")
            && out.stderr.contains("examples/assemblyscript/asconfig.json"),
        "{}",
        out.stderr
    );
    assert_ne!(out.status, 0);
    // Any other unknown import gets the error alone.
    std::fs::write(
        &wat,
        r#"(module (import "env" "Date.now" (func (result f64))) (func (export "_start")))"#,
    )
    .unwrap();
    let out = run(&["run", wat.to_str().unwrap()]);
    assert!(
        out.stderr.contains("`env::Date.now` has not been defined"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("asconfig"), "{}", out.stderr);
}

/// Runs a scripted shell session; returns its transcript.
fn shell(script: &str) -> Output {
    let out = run_with_input(&["shell"], script);
    assert_eq!(out.status, 0, "{}\n{}", out.stdout, out.stderr);
    out
}

#[test]
fn the_shell_supervises_the_worker_and_it_comes_back_after_a_crash() {
    let wasm = example("supervised");
    let out = shell(&format!(
        "load {wasm}\n\
         sup = supervise one_for_one intensity 3/10s supervised.worker(0i64) as sup\n\
         send #worker b\"hello\" as raw\n\
         send #worker b\"crash\" as raw\n\
         receive 300\n\
         send #worker b\"again\" as raw\n\
         receive 300\n\
         children sup\n"
    ));
    let t = &out.stdout;
    assert!(
        t.contains("exports: worker, _start, __grain_as_spawn"),
        "{t}"
    );
    assert_eq!(t.matches("worker up").count(), 2, "{t}");
    assert!(t.contains("worker got: hello"), "{t}");
    assert!(t.contains("worker got: again"), "{t}");
    assert!(
        t.lines()
            .any(|l| l.starts_with("worker ") && l.ends_with("permanent  1")),
        "restarted once: {t}"
    );
    // The shell's transcript holds its processes' stderr too.
    assert!(t.contains("abort: worker told to crash"), "{t}");
}

#[test]
fn the_shell_loads_and_spawns_exports_with_arguments() {
    let wasm = example("link_crash");
    let out = shell(&format!(
        "load {wasm} as lc\n\
         p = spawn lc.unguarded(0i64) monitor\n\
         receive 2000\n\
         imports lc\n"
    ));
    let t = &out.stdout;
    assert!(
        t.contains("exports: fragile, _start, unguarded, __grain_as_spawn"),
        "{t}"
    );
    assert!(t.contains("down: <0.2>: link died (<0.3>)"), "{t}");
    assert!(!t.contains("never printed"), "{t}");
    assert!(t.contains("lunatic::process::spawn"), "{t}");
    assert!(!t.contains("env::"), "no env imports left: {t}");
}
