//! The distribution benchmarks (the same as benches/side-by-side/distributed.escript on
//! Erlang), as a plain lunatic-rs program. Run it on one node of a cluster of two:
//!
//! ```text
//! grain node --nats URL --cluster C --name b
//! grain run  --nats URL --cluster C --name a dist_bench.wasm [--quick] [cold]
//! ```
//!
//! It prints one `name<TAB>value<TAB>unit` line per figure:
//!
//! - `spawn_cold`: the first spawn of this module on the other node until the new process's
//!   first message arrives (the module is stored, fetched, checked and compiled there).
//! - `spawn_warm_p50`, `spawn_warm_p99`: the same with the module already there.
//! - `ping_pong_p50`, `ping_pong_p99`: a message to a process on the other node and its
//!   answer, each round trip timed on its own.
//! - `one_way`: messages per second from one process to one on the other node, which says
//!   how many it got once it has them all (the best of three runs).
//!
//! `cold` measures the cold spawn only (a fresh copy of the module each run gives more
//! samples); `--quick` runs a tenth of the sizes.

use std::time::{Duration, Instant};

use lunatic::host::node_id;
use lunatic::{Mailbox, Process, distributed};

/// The value a benchmark's process never sends as data: "stop" or "ready".
const STOP: u64 = u64::MAX;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let cold_only = args.iter().any(|a| a == "cold");
    let me = node_id();
    let Some(node) = distributed::nodes().into_iter().find(|&n| n != me) else {
        println!("dist_bench: no other node in the cluster");
        std::process::exit(1);
    };
    let mailbox: Mailbox<u64> = unsafe { Mailbox::new() };
    // Before anything else reaches that node: this module is new to it.
    report("spawn_cold", micros(spawn_and_reply(&mailbox, node)), "us");
    if cold_only {
        return;
    }
    let scale = if quick { 10 } else { 1 };

    let spawns: Vec<f64> = (0..2_000 / scale)
        .map(|_| micros(spawn_and_reply(&mailbox, node)))
        .collect();
    report("spawn_warm_p50", percentile(&spawns, 50.0), "us");
    report("spawn_warm_p99", percentile(&spawns, 99.0), "us");

    let trips = ping_pong(&mailbox, node, 20_000 / scale);
    report("ping_pong_p50", percentile(&trips, 50.0), "us");
    report("ping_pong_p99", percentile(&trips, 99.0), "us");

    let count = 500_000 / scale;
    let best = (0..3)
        .map(|_| one_way(&mailbox, node, count))
        .fold(f64::INFINITY, f64::min);
    report("one_way", count as f64 / best, "msg/s");
}

fn report(name: &str, value: f64, unit: &str) {
    println!("{name}\t{value:.1}\t{unit}");
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The `p`th percentile (nearest rank) of `samples`.
fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Spawns a process on `node` that sends one message back; the time until it arrives.
fn spawn_and_reply(mailbox: &Mailbox<u64>, node: u64) -> Duration {
    let start = Instant::now();
    Process::spawn_node(node, mailbox.this(), |parent: Process<u64>, _: Mailbox<()>| {
        parent.send(1)
    });
    let reply = mailbox.receive();
    let took = start.elapsed();
    assert_eq!(reply, 1, "the spawned process's reply");
    took
}

/// Answers every number with itself until [`STOP`].
fn pong(parent: Process<u64>, mailbox: Mailbox<u64>) {
    loop {
        let v = mailbox.receive();
        if v == STOP {
            return;
        }
        parent.send(v);
    }
}

/// `trips` timed round trips (after a tenth as many untimed ones), in µs.
fn ping_pong(mailbox: &Mailbox<u64>, node: u64, trips: u64) -> Vec<f64> {
    let echo = Process::spawn_node(node, mailbox.this(), pong);
    for i in 0..trips / 10 {
        echo.send(i);
        mailbox.receive();
    }
    let mut times = Vec::with_capacity(trips as usize);
    for i in 0..trips {
        let start = Instant::now();
        echo.send(i);
        let back = mailbox.receive();
        times.push(micros(start.elapsed()));
        assert_eq!(back, i, "the echo");
    }
    echo.send(STOP);
    times
}

/// Counts `count` messages, then says how many it got (after saying it is ready).
fn count_all((parent, count): (Process<u64>, u64), mailbox: Mailbox<u64>) {
    parent.send(STOP);
    let mut got = 0;
    while got < count {
        mailbox.receive();
        got += 1;
    }
    parent.send(got);
}

/// Sends `count` messages to a process on `node`; seconds until it has them all.
fn one_way(mailbox: &Mailbox<u64>, node: u64, count: u64) -> f64 {
    let sink = Process::spawn_node(node, (mailbox.this(), count), count_all);
    assert_eq!(mailbox.receive(), STOP, "the sink is ready");
    let start = Instant::now();
    for i in 0..count {
        sink.send(i);
    }
    let got = mailbox.receive();
    let took = start.elapsed().as_secs_f64();
    assert_eq!(got, count, "the sink got every message");
    took
}
