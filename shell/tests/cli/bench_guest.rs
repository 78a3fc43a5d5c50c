//! The lunatic-rs side of `benches/side-by-side.sh` cannot rot: the bench guest
//! (`examples/guests/src/bin/bench.rs`) runs on grain and on the floor (`benches/bare`,
//! bare wasmtime with no grain), and the floor reads the memory of its parked processes.
//! Only that the figures come out is checked here: the figures come from the script.

#[path = "../../../benches/bare/mod.rs"]
mod bare;

use crate::support::{guest, run};

/// The value of the `name<TAB>value<TAB>unit` line `name` of `out`.
fn figure(out: &str, name: &str) -> f64 {
    out.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix('\t')?.split('\t').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in:\n{out}"))
}

#[test]
fn the_bench_guest_spawns_on_grain() {
    let wasm = guest("bench");
    let out = run(&["run", wasm.to_str().unwrap(), "--spawn", "50"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(figure(&out.stdout, "spawn_50") > 0.0);
    // The ring alone, run after run (hops a multiple of the size, or the token never
    // comes back as 0): one line each.
    let out = run(&["run", wasm.to_str().unwrap(), "--ring", "10", "1000", "3"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let rings: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(rings.len(), 3, "{}", out.stdout);
    assert!(
        rings.iter().all(|l| figure(l, "ring") > 0.0),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_guest_runs_on_the_floor_which_reads_its_parked_memory() {
    let wasm = std::fs::read(guest("bench")).expect("the bench guest");
    let rt = grain::Runtime::new(grain::RuntimeConfig::default()).expect("a runtime");
    let engine = rt.engine().clone();
    std::thread::spawn(move || {
        let floor = bare::Floor::new(&engine, wasm).expect("the guest compiles and links");
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // First, while no memory has been freed to reuse: the resident set is read as it
        // prints `ready`, and again at `parked`, after 200 processes have started and parked.
        let (out, marks) = floor
            .main(&args(&["bench", "--parked", "200"]))
            .expect("the parked run ends");
        assert_eq!(out, "ready\nparked\n");
        let names: Vec<&str> = marks.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(names, ["ready", "parked"]);
        let (before, after) = (marks[0].1, marks[1].1);
        assert!(
            after > before + 200 * 4096,
            "200 parked processes took {} bytes",
            after.saturating_sub(before)
        );
        // Its main reads its command line, spawns, sends and receives through the floor.
        let (out, marks) = floor
            .main(&args(&["bench", "--spawn", "50"]))
            .expect("the spawn run ends");
        assert!(figure(&out, "spawn_50") > 0.0);
        assert!(marks.is_empty(), "{marks:?}");
        let (out, _) = floor
            .main(&args(&["bench", "--ring", "10", "1000", "2"]))
            .expect("the ring run ends");
        assert_eq!(out.lines().count(), 2, "{out}");
        assert!(figure(&out, "ring") > 0.0);
        // What the floor does not give traps if called, and ends the run with an error.
        let err = bare::Floor::new(
            &engine,
            r#"(module
                 (import "lunatic::process" "kill" (func $kill (param i64)))
                 (memory (export "memory") 1)
                 (func (export "_start") (call $kill (i64.const 1))))"#,
        )
        .expect("an unknown import links")
        .main(&args(&["x"]))
        .expect_err("calling it traps");
        assert!(format!("{err:?}").contains("kill"), "{err:?}");
    })
    .join()
    .expect("the floor thread");
}
