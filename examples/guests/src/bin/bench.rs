//! The benchmark workloads as a lunatic-rs program (the same ones as
//! benches/workloads/workloads.wat and the Erlang escript). Prints one `name<TAB>value<TAB>unit`
//! line per workload, each the best of three runs. `--quick` runs smaller sizes.

use std::time::{Duration, Instant};

use lunatic::{Mailbox, Process, Tag};

fn best(mut f: impl FnMut() -> f64) -> f64 {
    (0..3).map(|_| f()).fold(f64::INFINITY, f64::min)
}

/// Spawns `n` children that each tell the parent they started and park in `receive`, and
/// waits until all have started.
fn spawn_parked(mailbox: &Mailbox<()>, n: u64) -> Vec<Process<()>> {
    let this = mailbox.this();
    let children = (0..n)
        .map(|_| {
            Process::spawn(this, |parent: Process<()>, inbox: Mailbox<()>| {
                parent.send(());
                inbox.receive();
            })
        })
        .collect();
    for _ in 0..n {
        mailbox.receive();
    }
    children
}

fn spawn(n: u64) -> f64 {
    let mailbox: Mailbox<()> = unsafe { Mailbox::new() };
    let start = Instant::now();
    let children = spawn_parked(&mailbox, n);
    let elapsed = start.elapsed().as_nanos() as f64;
    for child in children {
        child.send(());
    }
    elapsed / n as f64
}

fn ring(n: u64, hops: i64) -> f64 {
    let mailbox: Mailbox<i64> = unsafe { Mailbox::new() };
    let mut first = mailbox.this();
    for _ in 1..n {
        first = Process::spawn(first, |next: Process<i64>, inbox: Mailbox<i64>| loop {
            let v = inbox.receive();
            next.send(if v == -1 { -1 } else { v - 1 });
            if v == -1 {
                return;
            }
        });
    }
    let start = Instant::now();
    let mut v = hops;
    loop {
        first.send(v - 1);
        v = mailbox.receive();
        if v == 0 {
            break;
        }
    }
    let elapsed = start.elapsed().as_nanos() as f64;
    first.send(-1);
    mailbox.receive();
    elapsed / hops as f64
}

fn ping_pong(rounds: i64) -> f64 {
    let mailbox: Mailbox<i64> = unsafe { Mailbox::new() };
    let pong = Process::spawn(
        mailbox.this(),
        |parent: Process<i64>, inbox: Mailbox<i64>| loop {
            let v = inbox.receive();
            if v == -1 {
                return;
            }
            parent.send(v);
        },
    );
    let start = Instant::now();
    for i in 0..rounds {
        pong.send(i);
        mailbox.receive();
    }
    let elapsed = start.elapsed().as_nanos() as f64;
    pong.send(-1);
    elapsed / rounds as f64
}

fn send_receive(count: u64) -> f64 {
    let mailbox: Mailbox<i64> = unsafe { Mailbox::new() };
    let sink = Process::spawn(
        (mailbox.this(), count),
        |(parent, count): (Process<i64>, u64), inbox: Mailbox<i64>| {
            for _ in 0..count {
                inbox.receive();
            }
            parent.send(0);
        },
    );
    let start = Instant::now();
    for i in 0..count as i64 {
        sink.send(i);
    }
    mailbox.receive();
    start.elapsed().as_nanos() as f64 / count as f64
}

/// `depth` unrelated messages wait in the queue while `rounds` replies, each picked out by
/// its tag, come in behind them.
fn selective_receive(depth: i64, rounds: i64) -> f64 {
    let mailbox: Mailbox<i64> = unsafe { Mailbox::new() };
    let this = mailbox.this();
    let (queued, reply) = (Tag::special(64).unwrap(), Tag::special(65).unwrap());
    for i in 0..depth {
        this.tag_send(queued, i);
    }
    let pong = Process::spawn(this, |parent: Process<i64>, inbox: Mailbox<i64>| loop {
        let v = inbox.receive();
        if v == -1 {
            return;
        }
        parent.tag_send(Tag::special(65).unwrap(), v);
    });
    let start = Instant::now();
    for i in 0..rounds {
        pong.send(i);
        mailbox.tag_receive(&[reply]);
    }
    let elapsed = start.elapsed().as_nanos() as f64;
    pong.send(-1);
    for _ in 0..depth {
        mailbox.tag_receive(&[queued]);
    }
    elapsed / rounds as f64
}

/// `--parked N`: says `ready`, waits, spawns N processes that park in `receive`, says
/// `parked` once all have started, and waits again, so that the side-by-side script can read
/// the node's resident memory at both words (a guest cannot see its host's memory).
fn parked(n: u64) {
    let mailbox: Mailbox<()> = unsafe { Mailbox::new() };
    println!("ready");
    lunatic::sleep(Duration::from_millis(500));
    let _children = spawn_parked(&mailbox, n);
    println!("parked");
    lunatic::sleep(Duration::from_millis(1_500));
}

/// `--spawn N...`: for each N, the time per spawn of N children that park (best of three),
/// as `spawn_N<TAB>ns<TAB>ns` lines: whether spawning slows as the crowd grows.
fn spawn_sizes(sizes: &[u64]) {
    for &n in sizes {
        println!("spawn_{n}\t{:.1}\tns", best(|| spawn(n)));
    }
}

/// The number after `args[at]`, or `default`.
fn number<T: std::str::FromStr>(args: &[String], at: usize, default: T) -> T {
    args.get(at + 1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--spawn") {
        let sizes: Vec<u64> = args[i + 1..].iter().filter_map(|n| n.parse().ok()).collect();
        return spawn_sizes(&sizes);
    }
    if let Some(i) = args.iter().position(|a| a == "--parked") {
        return parked(number(&args, i, 10_000));
    }
    if let Some(i) = args.iter().position(|a| a == "--ring") {
        // `--ring N HOPS [RUNS]`: the ring of N processes alone, RUNS times in a row, one
        // line each (how a ring's size and each run's layout move a hop, and cachegrind's
        // counts per hop at two HOPS). HOPS must be a multiple of N: the token comes back to
        // `main` every N hops, which stops when it reads 0 exactly (else the ring never ends).
        let (n, hops) = (number(&args, i, 1_000), number(&args, i + 1, 1_000_000));
        for _ in 0..number(&args, i + 2, 1u32) {
            println!("ring\t{:.1}\tns", ring(n, hops));
        }
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 10 } else { 1 };
    let report = |name: &str, value: f64, unit: &str| println!("{name}\t{value:.1}\t{unit}");
    report("spawn", best(|| spawn(100_000 / scale)), "ns");
    report("ring", best(|| ring(1_000, 1_000_000 / scale as i64)), "ns");
    report(
        "ping_pong",
        best(|| ping_pong(200_000 / scale as i64)),
        "ns",
    );
    report(
        "send_receive",
        best(|| send_receive(1_000_000 / scale)),
        "ns",
    );
    let rounds = 10_000 / scale as i64;
    report(
        "selective_receive",
        best(|| selective_receive(10_000, rounds)),
        "ns",
    );
}
