//! The grain side of `benches/side-by-side.sh`: runs each benchmark workload (WAT guests,
//! `benches/workloads/workloads.wat`) and prints one `name<TAB>value<TAB>unit` line each, the
//! best of three runs. `cargo run --release --example workloads [-- --quick] [NAME...]`
//! (names pick workloads; all run by default).

#[path = "../benches/workloads/mod.rs"]
mod workloads;

use workloads::Bench;

fn report(name: &str, value: f64, unit: &str) {
    println!("{name}\t{value:.1}\t{unit}");
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let want = |name: &str| names.is_empty() || names.iter().any(|n| *n == name);
    let scale = if quick { 10 } else { 1 };
    let bench = Bench::new(true);
    let n = 100_000 / scale;
    if want("parked_memory") {
        let (_, bytes) = bench.parked(n as usize).await;
        report("parked_memory", bytes as f64, "B");
    }
    if want("spawn") {
        report("spawn", bench.best("spawn", &[n], n as u64).await, "ns");
    }
    let hops = 1_000_000 / scale;
    if want("ring") {
        report(
            "ring",
            bench.best("ring", &[1_000, hops], hops as u64).await,
            "ns",
        );
    }
    let rounds = 200_000 / scale;
    if want("ping_pong") {
        let ping = bench.best("ping_pong", &[rounds], rounds as u64).await;
        report("ping_pong", ping, "ns");
    }
    let count = 1_000_000 / scale;
    if want("send_receive") {
        let send = bench.best("send_receive", &[count], count as u64).await;
        report("send_receive", send, "ns");
    }
    let (depth, rounds) = (10_000, 10_000 / scale);
    if want("selective_receive") {
        let args = [depth, rounds];
        let selective = bench.best("selective_receive", &args, rounds as u64).await;
        report("selective_receive", selective, "ns");
    }
    let spins = 300_000_000 / scale;
    if want("compute") {
        let fuel = bench.best("compute", &[spins], spins as u64).await;
        report("compute_fuel", fuel, "ns");
        let plain = Bench::new(false)
            .best("compute", &[spins], spins as u64)
            .await;
        report("compute_epoch", plain, "ns");
    }
}
