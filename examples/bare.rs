//! The floor of `benches/side-by-side.sh`: the benchmark workloads (WAT guests,
//! `benches/workloads/workloads.wat`) on bare wasmtime (`benches/bare`), on grain's engine
//! but without grain's runtime. Prints one `name<TAB>value<TAB>unit` line each, the best of
//! three runs, with the sizes of `examples/workloads.rs`.
//! `cargo run --release --example bare [-- --quick] [NAME...]`.
//!
//! Two more floors:
//! - `bare --crowd N`: N parked WAT processes in batches of 100,000, as
//!   `examples/parked.rs --batches` spawns them on grain (whether spawning slows as the
//!   crowd grows, without grain);
//! - `bare --rust GUEST.wasm ARGS...`: a lunatic-rs guest's `main` (the bench guest,
//!   `examples/guests/src/bin/bench.rs`) with ARGS, printing what it prints; with
//!   `--parked N`, the host memory per parked process instead of its `ready`/`parked`;
//! - `bare --rust-cow GUEST.wasm ARGS...`: the same on wasmtime's own allocator with its
//!   defaults, which maps a module's data copy-on-write into each instance (instead of
//!   grain's arena, where an instance writes its own copy), to read what that saves and
//!   what it costs in mappings.

#[path = "../benches/bare/mod.rs"]
mod bare;
#[path = "../benches/workloads/mod.rs"]
mod workloads;

use bare::Floor;
use grain::{Runtime, RuntimeConfig};

fn report(name: &str, value: f64, unit: &str) {
    println!("{name}\t{value:.1}\t{unit}");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().cloned().unwrap_or_default();
    if ["--rust", "--rust-cow", "--crowd"].contains(&mode.as_str()) {
        // grain's engine, with its runtime kept alive for the epoch ticker: every store
        // yields at each tick, as grain's processes do (a dropped runtime stops the ticker).
        let runtime = match mode.as_str() {
            "--rust-cow" => None,
            _ => Some(Runtime::new(RuntimeConfig::default())?),
        };
        let engine = match &runtime {
            Some(runtime) => runtime.engine().clone(),
            None => wasmtime_defaults()?,
        };
        return std::thread::spawn(move || match mode.as_str() {
            "--rust" | "--rust-cow" => rust(&engine, &args[1..]),
            _ => crowd(&engine, args.get(1).map_or(Ok(1_000_000), |n| n.parse())?),
        })
        .join()
        .expect("the floor thread");
    }
    let quick = args.iter().any(|a| a == "--quick");
    let names: Vec<String> = args.into_iter().filter(|a| !a.starts_with("--")).collect();
    // The engines only: no grain process runs here.
    let fuel = Runtime::new(RuntimeConfig::default())?;
    let epoch = Runtime::new(RuntimeConfig {
        count_fuel: false,
        ..RuntimeConfig::default()
    })?;
    let (fuel, epoch) = (fuel.engine().clone(), epoch.engine().clone());
    // On a thread of its own: the floor is one thread that never yields to tokio.
    std::thread::spawn(move || measure(&fuel, &epoch, quick, &names))
        .join()
        .expect("the floor thread")?;
    Ok(())
}

fn measure(
    fuel: &wasmtime::Engine,
    epoch: &wasmtime::Engine,
    quick: bool,
    names: &[String],
) -> wasmtime::Result<()> {
    let want = |name: &str| names.is_empty() || names.iter().any(|n| n == name);
    let scale = if quick { 10 } else { 1 };
    let floor = Floor::new(fuel, workloads::WAT)?;
    let n = 100_000 / scale;
    if want("parked_memory") {
        let (_, bytes) = floor.parked(n as usize)?;
        report("parked_memory", bytes as f64, "B");
    }
    if want("spawn") {
        report("spawn", floor.best("spawn", &[n], n as u64)?, "ns");
    }
    let hops = 1_000_000 / scale;
    if want("ring") {
        let ring = floor.best("ring", &[1_000, hops], hops as u64)?;
        report("ring", ring, "ns");
    }
    let rounds = 200_000 / scale;
    if want("ping_pong") {
        let ping = floor.best("ping_pong", &[rounds], rounds as u64)?;
        report("ping_pong", ping, "ns");
    }
    let count = 1_000_000 / scale;
    if want("send_receive") {
        let send = floor.best("send_receive", &[count], count as u64)?;
        report("send_receive", send, "ns");
    }
    let (depth, rounds) = (10_000, 10_000 / scale);
    if want("selective_receive") {
        let args = [depth, rounds];
        let selective = floor.best("selective_receive", &args, rounds as u64)?;
        report("selective_receive", selective, "ns");
    }
    let spins = 300_000_000 / scale;
    if want("compute") {
        report(
            "compute_fuel",
            floor.best("compute", &[spins], spins as u64)?,
            "ns",
        );
        let plain = Floor::new(epoch, workloads::WAT)?;
        report(
            "compute_epoch",
            plain.best("compute", &[spins], spins as u64)?,
            "ns",
        );
    }
    Ok(())
}

/// Spawns `n` parked WAT processes in batches of 100,000 and prints the lines of
/// `examples/parked.rs --batches` that the side-by-side script reads.
fn crowd(
    engine: &wasmtime::Engine,
    n: usize,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    const BATCH: usize = 100_000;
    let floor = Floor::new(engine, workloads::WAT)?;
    let (times, bytes) = floor.crowd(n, BATCH)?;
    for (i, t) in times.iter().enumerate() {
        println!(
            "batch at {}: {:.2} µs/process",
            i * BATCH,
            t.as_secs_f64() * 1e6
        );
    }
    let first = times.first().map_or(0.0, |t| t.as_secs_f64() * 1e6);
    // Each batch's time per process, weighed by its size (the last may be smaller).
    let all: f64 = (times.iter().enumerate())
        .map(|(i, t)| t.as_secs_f64() * 1e6 * BATCH.min(n - i * BATCH) as f64)
        .sum();
    let average = all / n.max(1) as f64;
    println!("parked processes: {n}");
    println!("spawn to parked: {average:.2} µs/process");
    println!(
        "first {BATCH}: {first:.2} µs/process (the average is {:.2}× that)",
        average / first
    );
    println!("memory per process: {bytes} B");
    Ok(())
}

/// Runs a lunatic-rs guest's `main` with `args` (the guest's file first) and prints what
/// it printed; with `--parked N`, the memory per parked process instead of its marks.
fn rust(
    engine: &wasmtime::Engine,
    args: &[String],
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let path = args
        .first()
        .ok_or("usage: bare --rust GUEST.wasm ARGS...")?;
    let floor = Floor::new(engine, std::fs::read(path)?)?;
    let (out, marks) = floor.main(args)?;
    for line in out.lines().filter(|l| !bare::rust::MARKS.contains(l)) {
        println!("{line}");
    }
    let parked = args.iter().position(|a| a == "--parked");
    let n: u64 = parked
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(0);
    if let [(_, rss0, maps0), (_, rss1, maps1)] = marks.as_slice() {
        let per = rss1.saturating_sub(*rss0) as f64 / n.max(1) as f64;
        report("parked_memory", per, "B");
        let maps = maps1.saturating_sub(*maps0) as f64 / n.max(1) as f64;
        report("parked_mappings", maps, "per process");
    }
    Ok(())
}

/// An engine with wasmtime's defaults (its own memories, copy-on-write data images) and
/// what the floor needs: async calls, epoch interruption, fuel.
fn wasmtime_defaults() -> wasmtime::Result<wasmtime::Engine> {
    let mut config = wasmtime::Config::new();
    config.epoch_interruption(true);
    config.consume_fuel(true);
    wasmtime::Engine::new(&config)
}
