//! The floor of `benches/side-by-side.sh`: the benchmark workloads (WAT guests,
//! `benches/workloads/workloads.wat`) on bare wasmtime (`benches/bare`), on grain's engine
//! but without grain's runtime. Prints one `name<TAB>value<TAB>unit` line each, the best of
//! three runs, with the sizes of `examples/workloads.rs`.
//! `cargo run --release --example bare [-- --quick] [NAME...]`.

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
