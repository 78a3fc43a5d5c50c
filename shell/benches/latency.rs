//! The shell's command latency beside processes that compute forever: `modules` (which
//! touches no process) and `ps` evaluated and settled as a typed line is, on an idle node
//! and with as many spinning processes as cores, and twice that. The issue it answers: one
//! spinner made every line wait for the settle deadline.
//! `cargo bench -p grain-shell --bench latency`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use grain_shell::Shell;
use grain_shell::script;

const BUSY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/wat/busy_loop.wat");

fn latency(c: &mut Criterion) {
    let tokio = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let _guard = tokio.enter();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut group = c.benchmark_group("shell/line_latency");
    for spinners in [0, cores, 2 * cores] {
        let mut shell = Shell::new().expect("a shell");
        let mut setup = vec![format!("load {BUSY} as busy_loop")];
        if spinners > 0 {
            setup.push(format!("repeat {spinners} spawn busy_loop.spin()"));
        }
        for line in &setup {
            let (mut out, mut failures) = (String::new(), 0);
            tokio.block_on(script::eval(&mut shell, line, &mut out, &mut failures));
            assert_eq!(failures, 0, "{line}: {out}");
        }
        for line in ["modules", "ps"] {
            group.bench_with_input(BenchmarkId::new(line, spinners), &spinners, |b, _| {
                b.iter(|| {
                    let (mut out, mut failures) = (String::new(), 0);
                    tokio.block_on(script::eval(&mut shell, line, &mut out, &mut failures));
                    assert_eq!(failures, 0, "{out}");
                })
            });
        }
    }
    group.finish();
}

criterion_group!(shell, latency);
criterion_main!(shell);
