//! The floor of `benches/side-by-side-distributed.sh`: what NATS itself costs between two
//! plain async-nats connections (request/reply round trips, one-way publishes), so the
//! table can say how much of a distributed figure is grain's. Prints one
//! `name<TAB>value<TAB>unit` line each.
//!
//! `cargo run --release --example nats_floor -- nats://127.0.0.1:4222 [--quick]`

#[path = "../benches/floor/mod.rs"]
mod floor;

fn report(name: &str, value: f64, unit: &str) {
    println!("{name}\t{value:.1}\t{unit}");
}

/// The `p`th percentile (nearest rank) of `samples`.
fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

#[tokio::main]
async fn main() -> Result<(), floor::FloorError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "nats://127.0.0.1:4222".into());
    let scale = if args.iter().any(|a| a == "--quick") {
        10
    } else {
        1
    };
    let mut trips = floor::round_trips(&url, 20_000 / scale).await?;
    report("ping_pong_p50", percentile(&mut trips, 50.0), "us");
    report("ping_pong_p99", percentile(&mut trips, 99.0), "us");
    let count = 500_000 / scale;
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        best = best.min(floor::one_way(&url, count).await?);
    }
    report("one_way", count as f64 / best, "msg/s");
    Ok(())
}
