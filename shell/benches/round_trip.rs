//! The shell's round trip: evaluating `send` to a process that answers, then `receive` of its
//! answer, as a user's two lines would. `cargo bench -p grain-shell --bench round_trip`.

use criterion::{Criterion, criterion_group, criterion_main};
use grain_shell::Shell;

const PONG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../benches/workloads/workloads.wat"
);

fn round_trip(c: &mut Criterion) {
    let tokio = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let _guard = tokio.enter();
    let mut shell = Shell::new().expect("a shell");
    let setup = [
        format!("load {PONG} as workloads"),
        format!("p = spawn workloads.pong({}, 0)", shell.pid()),
    ];
    for line in &setup {
        tokio
            .block_on(shell.eval(line))
            .unwrap_or_else(|e| panic!("{line}: {}", e.render(line)));
    }
    c.bench_function("shell/send_receive_round_trip", |b| {
        b.iter(|| {
            tokio.block_on(async {
                shell
                    .eval(r#"send p b"12345678" as raw"#)
                    .await
                    .expect("send");
                let reply = shell.eval("receive 1000").await.expect("receive");
                assert!(!reply.text.contains("timeout"), "{}", reply.text);
            })
        })
    });
}

criterion_group!(shell, round_trip);
criterion_main!(shell);
