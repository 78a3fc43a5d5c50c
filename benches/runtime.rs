//! Criterion benches of the runtime on the WAT workloads (`benches/workloads`): spawn,
//! send/receive, ring, ping-pong, selective receive with a deep queue, and the cost of
//! fuel accounting on a compute loop; spawn and ping-pong again with an observer subscribed;
//! ring and ping-pong with a trace alive elsewhere and with every process traced. Each
//! iteration is one workload run; the figure per element is the time per operation.
//! `cargo bench --bench runtime`.
//!
//! The side-by-side comparison with Erlang is `benches/side-by-side.sh`.

#[path = "workloads/mod.rs"]
mod workloads;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grain::trace::{TraceSpec, TraceTarget};
use workloads::Bench;

/// A process that waits forever, for a trace to follow.
const IDLE: &str = r#"(module
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "park") (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))))"#;

/// Registers a bench of export `name` with `args`, `ops` operations per run.
fn workload(
    c: &mut Criterion,
    tokio: &tokio::runtime::Runtime,
    bench: &Bench,
    id: &str,
    name: &str,
    args: &[i64],
    ops: u64,
) {
    let mut group = c.benchmark_group("workload");
    group.sample_size(10).throughput(Throughput::Elements(ops));
    group.bench_function(id, |b| {
        b.iter_custom(|iters| {
            tokio.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += bench.run(name, args).await;
                }
                total
            })
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let tokio = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let _guard = tokio.enter();
    let bench = Bench::new(true);
    workload(c, &tokio, &bench, "spawn/10000", "spawn", &[10_000], 10_000);
    workload(
        c,
        &tokio,
        &bench,
        "ring/1000x100000",
        "ring",
        &[1_000, 100_000],
        100_000,
    );
    workload(
        c,
        &tokio,
        &bench,
        "ping_pong/20000",
        "ping_pong",
        &[20_000],
        20_000,
    );
    workload(
        c,
        &tokio,
        &bench,
        "send_receive/100000",
        "send_receive",
        &[100_000],
        100_000,
    );
    let deep = [10_000, 2_000];
    workload(
        c,
        &tokio,
        &bench,
        "selective_receive/10000deep",
        "selective_receive",
        &deep,
        2_000,
    );
    workload(
        c,
        &tokio,
        &bench,
        "compute/fuel",
        "compute",
        &[50_000_000],
        50_000_000,
    );
    // The same workloads with an observer subscribed (as `grain observe` is): what watching
    // costs the runtime.
    let observed = Bench::new(true);
    let mut observer = observed.rt.observe();
    tokio.spawn(async move { while observer.next().await.is_some() {} });
    workload(
        c,
        &tokio,
        &observed,
        "spawn/10000/observed",
        "spawn",
        &[10_000],
        10_000,
    );
    workload(
        c,
        &tokio,
        &observed,
        "ping_pong/20000/observed",
        "ping_pong",
        &[20_000],
        20_000,
    );
    // Tracing: a trace alive on another process (these run untraced: each traced point
    // loads one byte), then every workload process traced (each event recorded; nobody
    // drains, so past the buffer they are dropped and counted).
    let elsewhere = Bench::new(true);
    let idle = elsewhere
        .rt
        .load("idle", IDLE.as_bytes())
        .expect("idle loads");
    let parked = elsewhere
        .rt
        .spawn(&idle, "park", &[], grain::ProcessConfig::default())
        .expect("spawn");
    let _trace = elsewhere
        .rt
        .trace(TraceSpec::new(TraceTarget::Pid(parked.pid())))
        .expect("trace");
    for (id, name, args, ops) in [
        (
            "ring/1000x100000/trace_elsewhere",
            "ring",
            &[1_000, 100_000][..],
            100_000,
        ),
        (
            "ping_pong/20000/trace_elsewhere",
            "ping_pong",
            &[20_000][..],
            20_000,
        ),
    ] {
        workload(c, &tokio, &elsewhere, id, name, args, ops);
    }
    let traced = Bench::new(true);
    let mut spec = TraceSpec::new(TraceTarget::Module("workloads".into()));
    (spec.limit, spec.rate) = (u64::MAX, None);
    let _all = traced.rt.trace(spec).expect("trace");
    for (id, name, args, ops) in [
        (
            "ring/1000x100000/traced",
            "ring",
            &[1_000, 100_000][..],
            100_000,
        ),
        ("ping_pong/20000/traced", "ping_pong", &[20_000][..], 20_000),
    ] {
        workload(c, &tokio, &traced, id, name, args, ops);
    }
    let epoch = Bench::new(false);
    workload(
        c,
        &tokio,
        &epoch,
        "compute/epoch_only",
        "compute",
        &[50_000_000],
        50_000_000,
    );
}

criterion_group!(runtime, benches);
criterion_main!(runtime);
