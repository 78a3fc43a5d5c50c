//! The floors of the benchmarks work: the distribution one (`benches/floor`, run by
//! `examples/nats_floor.rs`) against a real nats-server, round trips and one-way messages
//! arrive; the single-node one (`benches/bare`, run by `examples/bare.rs`) runs every
//! workload on bare wasmtime to its end. Figures come from the benchmark script, not from
//! here.

#[path = "../../benches/bare/mod.rs"]
mod bare;
#[path = "../../benches/floor/mod.rs"]
mod nats_floor;

/// The workloads' WAT source.
const WORKLOADS: &str = include_str!("../../benches/workloads/workloads.wat");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bare_floor_runs_every_workload_to_its_end() {
    let rt = grain::Runtime::new(grain::RuntimeConfig::default()).expect("a runtime");
    let engine = rt.engine().clone();
    std::thread::spawn(move || {
        let floor = bare::Floor::new(&engine, WORKLOADS).expect("the workloads compile");
        // Each prints the nanoseconds it took; a workload that lost a message would wait
        // for ever, which the floor reports as an error (nothing left to run).
        for (name, args) in [
            ("spawn", &[200][..]),
            ("ring", &[10, 1_000]),
            ("ping_pong", &[1_000]),
            ("send_receive", &[10_000]),
            ("selective_receive", &[1_000, 100]),
            ("compute", &[1_000]),
        ] {
            let ns = floor
                .run(name, args)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            assert!(ns > 0, "{name} took no time");
        }
        let (_, _) = floor.parked(500).expect("500 parked processes");
        // A crowd in batches: a time per batch, each parked before the next.
        // (Its memory figure may read 0 here: the first run's freed memory is reused.)
        let (batches, _) = floor.crowd(250, 100).expect("250 parked processes");
        assert_eq!(batches.len(), 3, "{batches:?}");
        assert!(batches.iter().all(|t| !t.is_zero()), "{batches:?}");
        // A workload that waits for a message nobody sends ends nothing: an error, not a hang.
        let stuck = floor
            .run("parked", &[])
            .expect_err("a parked root never ends");
        assert!(stuck.to_string().contains("never ended"), "{stuck}");
    })
    .join()
    .expect("the floor thread");
}

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
