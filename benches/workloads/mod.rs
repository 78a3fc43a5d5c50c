//! The benchmark workloads on grain, shared by the criterion benches (`benches/runtime.rs`)
//! and the side-by-side script (through `examples/workloads.rs`).
//!
//! Every workload but `parked` is an export of `workloads.wat` that times its own steady
//! state with the guest's monotonic clock, so the figures exclude compiling and starting the
//! driver process, as the Erlang side's do.

#![allow(dead_code, reason = "each includer uses a different part")]

use std::time::{Duration, Instant};

use grain::observe::Status;
use grain::{Capture, Module, Param, Process, ProcessConfig, Runtime, RuntimeConfig, Stdio};

/// The workloads' WAT source.
pub const WAT: &str = include_str!("workloads.wat");

/// A loaded workload module on its own runtime.
pub struct Bench {
    /// The runtime the workloads run on.
    pub rt: Runtime,
    module: Module,
    stdout: Capture,
}

impl Bench {
    /// A runtime with the workload module loaded; `count_fuel` picks exact fuel accounting.
    pub fn new(count_fuel: bool) -> Bench {
        let (stdio, stdout, _stderr) = Stdio::captured();
        let config = RuntimeConfig {
            stdio,
            count_fuel,
            ..RuntimeConfig::default()
        };
        let rt = Runtime::new(config).expect("a runtime");
        let module = rt
            .load("workloads", WAT.as_bytes())
            .expect("workloads.wat loads");
        Bench { rt, module, stdout }
    }

    /// The loaded workload module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Runs the export `name` with `args` and returns the time it reports.
    pub async fn run(&self, name: &str, args: &[i64]) -> Duration {
        let params: Vec<Param> = args.iter().map(|&a| Param::I64(a)).collect();
        let process = self
            .rt
            .spawn(&self.module, name, &params, ProcessConfig::root())
            .expect("spawn the workload");
        let reason = process.wait().await;
        assert!(!reason.is_failure(), "workload {name} failed: {reason}");
        // Whatever the workload left behind (parked children) goes before the next run.
        kill_all(&self.rt.processes()).await;
        let text = self.stdout.text();
        let last = text.lines().last().expect("the workload printed its time");
        Duration::from_nanos(last.trim().parse().expect("a number of nanoseconds"))
    }

    /// The best of three runs of export `name`, in nanoseconds per operation (`ops` of them
    /// per run).
    pub async fn best(&self, name: &str, args: &[i64], ops: u64) -> f64 {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let ns = self.run(name, args).await.as_nanos() as f64;
            best = best.min(ns / ops as f64);
        }
        best
    }

    /// Spawns `n` parked processes from the host and waits until all are parked; returns the
    /// time per process and the host memory (resident set growth) per process. The processes
    /// are killed before it returns.
    pub async fn parked(&self, n: usize) -> (Duration, u64) {
        let rss0 = resident_bytes();
        let start = Instant::now();
        let (processes, refused) = spawn_parked(&self.rt, &self.module, "parked", n).await;
        assert!(refused.is_none(), "spawn a parked process: {refused:?}");
        let per = start.elapsed() / n.max(1) as u32;
        let bytes = resident_bytes().saturating_sub(rss0) / n.max(1) as u64;
        kill_all(&processes).await;
        (per, bytes)
    }
}

/// Spawns up to `n` processes running `export` of `module` (which must park in a receive)
/// and waits until each is parked. Stops at the first refused spawn and returns its error
/// with the processes spawned before it.
pub async fn spawn_parked(
    rt: &Runtime,
    module: &Module,
    export: &str,
    n: usize,
) -> (Vec<Process>, Option<grain::Error>) {
    let mut processes = Vec::with_capacity(n);
    let mut refused = None;
    for _ in 0..n {
        match rt.spawn(module, export, &[], ProcessConfig::default()) {
            Ok(p) => processes.push(p),
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    for p in &processes {
        while p.stats().status() != Status::Waiting {
            // Not a busy loop: on two cores a spinning waiter takes one of them from the
            // processes it waits for (a millisecond late at most, once per call).
            tokio::time::sleep(Duration::from_micros(100)).await;
        }
    }
    (processes, refused)
}

/// Kills `processes` and waits until each has ended.
pub async fn kill_all(processes: &[Process]) {
    for p in processes {
        p.kill();
    }
    for p in processes {
        p.wait().await;
    }
}

/// The resident set of this process, in bytes (Linux; 0 elsewhere).
pub fn resident_bytes() -> u64 {
    proc_status("VmRSS:") * 1024
}

/// A `kB` field of `/proc/self/status`.
pub fn proc_status(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The number of memory mappings of this process.
pub fn mappings() -> usize {
    std::fs::read_to_string("/proc/self/maps").map_or(0, |m| m.lines().count())
}
