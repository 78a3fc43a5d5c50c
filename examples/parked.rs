//! Spawns N processes that park in `receive`, then kills them all, and reports what it cost:
//! time per spawn (to parked), host memory per parked process (resident set growth), memory
//! mappings per process and the address space in use. The 1,000,000 figure of the book's
//! "Internals: performance" page comes from
//! `cargo run --release --example parked -- 1000000`.

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use std::time::{Duration, Instant};

use grain::{ProcessConfig, Runtime, RuntimeConfig};
use workloads::{kill_all, mappings, proc_status, resident_bytes, spawn_parked};

/// The smallest parked process: one page of memory it never writes, one `receive`.
const PARKED: &str = r#"(module
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (func (export "parked") (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))))"#;

/// Processes spawned (and parked) at a time.
const BATCH: usize = 100_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(10_000), |a| a.parse())?;
    // `--batches`: each batch's time and CPU per spawn, to see where a slowdown starts.
    let batches = std::env::args().any(|a| a == "--batches");
    let rt = Runtime::new(RuntimeConfig {
        max_processes: n + 16,
        ..RuntimeConfig::default()
    })?;
    let module = rt.load("parked", PARKED.as_bytes())?;
    // Warm up: the first spawn pays for lazy initialisation.
    rt.spawn(&module, "parked", &[], ProcessConfig::default())?
        .kill();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (rss0, maps0) = (resident_bytes(), mappings());
    let (start, cpu0) = (Instant::now(), cpu_seconds());
    // In batches of 100,000, each parked before the next: whether spawning slows as the
    // crowd grows (the first batch against the average).
    let mut processes = Vec::with_capacity(n);
    let mut first = None;
    while processes.len() < n {
        let batch = (n - processes.len()).min(BATCH);
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let (spawned, refused) = spawn_parked(&rt, &module, "parked", batch).await;
        if batches {
            let per = |x: f64| x * 1e6 / batch.max(1) as f64;
            println!(
                "batch at {}: {:.2} µs/process, CPU {:.2} µs/process",
                processes.len(),
                per(t0.elapsed().as_secs_f64()),
                per(cpu_seconds() - c0)
            );
        }
        processes.extend(spawned);
        if let Some(e) = refused {
            println!("spawn {} failed: {e}", processes.len());
            break;
        }
        first.get_or_insert((start.elapsed(), cpu_seconds() - cpu0));
    }
    let (elapsed, cpu) = (start.elapsed(), cpu_seconds() - cpu0);
    let count = processes.len().max(1);
    let (rss1, maps1) = (resident_bytes(), mappings());
    println!("parked processes: {}", processes.len());
    let per_spawn = elapsed.as_secs_f64() * 1e6 / count as f64;
    println!("spawn to parked: {per_spawn:.2} µs/process");
    let cpu_per_spawn = cpu * 1e6 / count as f64;
    println!("CPU per spawn: {cpu_per_spawn:.2} µs/process");
    if let Some((first, first_cpu)) = first.filter(|_| count > BATCH) {
        let per_first = first.as_secs_f64() * 1e6 / BATCH as f64;
        let slowdown = per_spawn / per_first;
        println!("first {BATCH}: {per_first:.2} µs/process (the average is {slowdown:.2}× that)");
        // CPU time does not count what other programs on the machine took.
        let cpu_first = first_cpu * 1e6 / BATCH as f64;
        let cpu_slowdown = cpu_per_spawn / cpu_first;
        println!(
            "CPU, first {BATCH}: {cpu_first:.2} µs/process (the average is {cpu_slowdown:.2}× that)"
        );
    }
    let per_process = rss1.saturating_sub(rss0) / count as u64;
    println!(
        "host memory: {per_process} B/process ({} MiB in all)",
        rss1 >> 20
    );
    let per_maps = maps1.saturating_sub(maps0) as f64 / count as f64;
    println!("mappings: {per_maps:.3}/process ({maps1} in all)");
    let tables = proc_status("VmPTE:") * 1024 / count as u64;
    println!("page tables: {tables} B/process");
    println!("address space: {} GiB", proc_status("VmSize:") >> 20);
    let start = Instant::now();
    kill_all(&processes).await;
    let per_kill = start.elapsed().as_secs_f64() * 1e6 / count as f64;
    println!("kill all: {per_kill:.2} µs/process");
    Ok(())
}

/// CPU time this process used so far, user and system, in seconds (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name in parentheses: state, then 10 fields, then utime and stime.
    let rest = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0 // USER_HZ
}
