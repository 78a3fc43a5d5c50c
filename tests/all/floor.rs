//! The floor of the distribution benchmarks (`benches/floor`, run by
//! `examples/nats_floor.rs`) works against a real nats-server: round trips and one-way
//! messages arrive. Figures come from the benchmark script, not from here.

#[path = "../../benches/floor/mod.rs"]
mod nats_floor;

use crate::nats::Nats;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nats_floor_times_round_trips_and_one_way_messages() {
    let nats = Nats::start();
    let trips = nats_floor::round_trips(&nats.url(), 50)
        .await
        .expect("round trips");
    assert_eq!(trips.len(), 50);
    assert!(trips.iter().all(|&t| t > 0.0), "{trips:?}");
    let took = nats_floor::one_way(&nats.url(), 2_000)
        .await
        .expect("one way");
    assert!(took > 0.0);
}
