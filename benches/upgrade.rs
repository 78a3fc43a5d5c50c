//! Criterion benches of changing code while it runs: the time of an upgrade in place with a
//! small state (the tally of `examples/wat/tally_v2.wat`, 16 bytes, moved back and forth
//! between two loaded versions), and what upgrades cost a neighbour: the ping-pong
//! workload alone, then while another process is upgraded a thousand times a second.
//! `cargo bench --bench upgrade`.
//!
//! Erlang's figure for the same step (`sys:suspend`, `sys:change_code`, `sys:resume` of a
//! gen_server) comes from `benches/side-by-side/upgrade.escript`, run by
//! `benches/side-by-side.sh` beside this one.

#[path = "workloads/mod.rs"]
mod workloads;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use grain::{Capture, Module, Param, Pid, ProcessConfig, Runtime, RuntimeConfig, Stdio};

const V1: &str = include_str!("../examples/wat/tally_v1.wat");
const V2: &str = include_str!("../examples/wat/tally_v2.wat");

/// A runtime with the workloads and a tally upgraded once to v2, so that it can go back and
/// forth between two versions of the same code.
struct Setup {
    rt: Runtime,
    stdout: Capture,
    workloads: Module,
    versions: [Module; 2],
    tally: Pid,
}

impl Setup {
    async fn new() -> Setup {
        let (stdio, stdout, _stderr) = Stdio::captured();
        let rt = Runtime::new(RuntimeConfig {
            stdio,
            ..RuntimeConfig::default()
        })
        .expect("a runtime");
        let workloads = rt
            .load("workloads", workloads::WAT.as_bytes())
            .expect("loads");
        let v1 = rt.load("tally", V1.as_bytes()).expect("v1 loads");
        let tally = rt
            .spawn(&v1, "serve", &[], ProcessConfig::default())
            .expect("spawn")
            .pid();
        let a = rt.load("tally", V2.as_bytes()).expect("v2 loads");
        let b = rt.load("tally", V2.as_bytes()).expect("v2 loads");
        rt.upgrade(tally, &a, Duration::from_secs(5))
            .await
            .expect("the first upgrade");
        Setup {
            rt,
            stdout,
            workloads,
            versions: [a, b],
            tally,
        }
    }

    /// Moves the tally onto the version it does not run; returns the time it took.
    async fn upgrade(&self) -> Duration {
        let runs = self.rt.process(self.tally).and_then(|p| p.module());
        let runs = runs.expect("the tally runs").id();
        let to = &self.versions[(self.versions[0].id() == runs) as usize];
        let done = self
            .rt
            .upgrade(self.tally, to, Duration::from_secs(5))
            .await
            .expect("upgraded");
        done.took
    }

    /// Runs the ping-pong workload (`n` round trips) and returns the time it reports.
    async fn ping_pong(&self, n: i64) -> Duration {
        let p = self
            .rt
            .spawn(
                &self.workloads,
                "ping_pong",
                &[Param::I64(n)],
                ProcessConfig::root(),
            )
            .expect("spawn");
        assert!(!p.wait().await.is_failure());
        let text = self.stdout.text();
        let last = text.lines().last().expect("a time");
        Duration::from_nanos(last.trim().parse().expect("nanoseconds"))
    }
}

fn benches(c: &mut Criterion) {
    let tokio = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let _guard = tokio.enter();
    let setup = Arc::new(tokio.block_on(Setup::new()));

    let mut group = c.benchmark_group("upgrade");
    group.throughput(Throughput::Elements(1));
    group.bench_function("small_state/16B", |b| {
        b.iter_custom(|iters| {
            tokio.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += setup.upgrade().await;
                }
                total
            })
        })
    });
    group.finish();

    let mut group = c.benchmark_group("neighbour");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(20_000));
    let round = |b: &mut criterion::Bencher<'_>| {
        b.iter_custom(|iters| {
            tokio.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += setup.ping_pong(20_000).await;
                }
                total
            })
        })
    };
    group.bench_function("ping_pong/20000/quiet", round);
    // Another process upgraded back and forth a thousand times a second (far more often
    // than any system reloads code), all the while.
    let stop = Arc::new(AtomicBool::new(false));
    let upgrader = {
        let (setup, stop) = (setup.clone(), stop.clone());
        tokio.spawn(async move {
            let mut upgrades = 0;
            let mut tick = tokio::time::interval(Duration::from_millis(1));
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                setup.upgrade().await;
                upgrades += 1;
            }
            upgrades
        })
    };
    group.bench_function("ping_pong/20000/beside_1000_upgrades_a_second", round);
    stop.store(true, Ordering::Relaxed);
    let upgrades = tokio.block_on(upgrader).expect("the upgrader");
    eprintln!("the neighbour was upgraded {upgrades} times meanwhile");
    group.finish();
}

criterion_group!(upgrade, benches);
criterion_main!(upgrade);
