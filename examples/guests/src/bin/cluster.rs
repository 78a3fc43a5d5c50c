//! Processes across the nodes of a cluster, with plain lunatic-rs calls (run it with
//! `grain run --nats URL --cluster NAME --name NODE cluster.wasm MODE ...`):
//!
//! - `ring HOPS`: one process on every node passes a token around HOPS times.
//! - `watch [HOLD_MS]`: links to and monitors a process on another node and says what they hear
//!   (kill that node and both fire, with `noconnection` on grain's records).
//! - `flood N`: a process on each of two nodes sends N numbered messages to one on a
//!   third, which checks every sender's numbers arrive complete and in order, or stop
//!   when the pair's connection broke (its monitor of the sender fired): never a hole.
//! - `big`: 2 MiB to a process on another node (more than a NATS message holds).

use std::time::{Duration, Instant};

use lunatic::host::node_id;
use lunatic::{Mailbox, MessageSignal, Process, distributed, sleep};
use serde::{Deserialize, Serialize};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize, default: u64| {
        args.get(i)
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    match args.get(1).map(String::as_str) {
        Some("ring") => ring(number(2, 1_000)),
        Some("watch") => watch(number(2, 0)),
        Some("flood") => flood(number(2, 100_000)),
        Some("big") => big(),
        _ => println!("usage: cluster ring HOPS | watch | flood N | big"),
    }
}

/// The other nodes, in id order.
fn others() -> Vec<u64> {
    let me = node_id();
    distributed::nodes()
        .into_iter()
        .filter(|&n| n != me)
        .collect()
}

#[derive(Serialize, Deserialize)]
enum Ring {
    Next(Process<Ring>),
    Token(u64),
}

fn ring(hops: u64) {
    let root: Mailbox<u64> = unsafe { Mailbox::new() };
    let nodes = distributed::nodes();
    let members: Vec<Process<Ring>> = nodes
        .iter()
        .map(|&n| Process::spawn_node(n, root.this(), member))
        .collect();
    for (i, m) in members.iter().enumerate() {
        m.send(Ring::Next(members[(i + 1) % members.len()].clone()));
    }
    let start = Instant::now();
    members[0].send(Ring::Token(hops));
    let done = root.receive_timeout(Duration::from_secs(120));
    let took = start.elapsed();
    match done {
        Ok(0) => println!(
            "ring: {} nodes, {hops} hops, {:.1} us per hop",
            nodes.len(),
            took.as_secs_f64() * 1e6 / hops as f64
        ),
        other => println!("ring: the token did not come back: {other:?}"),
    }
}

fn member(root: Process<u64>, mailbox: Mailbox<Ring>) {
    let Ring::Next(next) = mailbox.receive() else {
        panic!("a member first learns its successor");
    };
    loop {
        match mailbox.receive() {
            Ring::Token(0) => {
                root.send(0);
                return;
            }
            Ring::Token(n) => next.send(Ring::Token(n - 1)),
            Ring::Next(_) => {}
        }
    }
}

fn watch(hold_ms: u64) {
    let mailbox: Mailbox<()> = unsafe { Mailbox::new() };
    let monitors = mailbox.monitorable();
    let mailbox = monitors.clone().catch_link_failure();
    let Some(&other) = others().first() else {
        println!("watch: no other node");
        return;
    };
    let remote = Process::spawn_node(other, mailbox.this(), parked);
    remote.link();
    monitors.monitor(remote.clone());
    println!("watching {} on node {other}", remote.id());
    for _ in 0..2 {
        match mailbox.receive_timeout(Duration::from_secs(60)) {
            Ok(MessageSignal::Signal(lunatic::Signal::LinkDied(_))) => println!("link died"),
            Ok(MessageSignal::Signal(lunatic::Signal::ProcessDied(pid))) => {
                println!("monitor: {pid} died")
            }
            other => println!("watch: unexpected {other:?}"),
        }
    }
    // Staying a while keeps this node in the cluster: what the other side does next is
    // not because this one left.
    sleep(Duration::from_millis(hold_ms));
}

fn parked(watcher: Process<()>, mailbox: Mailbox<()>) {
    let mailbox = mailbox.catch_link_failure();
    watcher.link();
    println!("parked on node {}, linked to {}", node_id(), watcher.id());
    if let Ok(MessageSignal::Signal(_)) = mailbox.receive_timeout(Duration::from_secs(600)) {
        println!("node {}: the link to {} died", node_id(), watcher.id());
    }
}

#[derive(Serialize, Deserialize)]
enum Numbered {
    /// A sender introduces itself (the receiver monitors it).
    Hello(u32, Process<()>),
    Num(u32, u64),
    /// The root got the report.
    Ack,
}

#[derive(Serialize, Deserialize)]
struct Flood {
    root: Process<String>,
    receiver: Process<Numbered>,
    sender: u32,
    count: u64,
}

fn flood(count: u64) {
    let root: Mailbox<String> = unsafe { Mailbox::new() };
    let others = others();
    if others.len() < 2 {
        println!("flood: needs three nodes");
        return;
    }
    let receiver = Process::spawn_node(others[1], (root.this(), count), receive_all);
    for (sender, node) in [node_id(), others[0]].into_iter().enumerate() {
        let job = Flood {
            root: root.this(),
            receiver: receiver.clone(),
            sender: sender as u32,
            count,
        };
        Process::spawn_node(node, job, send_all);
    }
    match root.receive_timeout(Duration::from_secs(300)) {
        Ok(report) => {
            receiver.send(Numbered::Ack);
            println!("flood: {report}");
        }
        other => println!("flood: no report: {other:?}"),
    }
}

fn send_all(job: Flood, mailbox: Mailbox<()>) {
    // Linked: if the pair's connection breaks, the sender stops with it.
    job.receiver.link();
    job.receiver.send(Numbered::Hello(job.sender, mailbox.this()));
    println!("sender {} on node {} starts", job.sender, node_id());
    for seq in 0..job.count {
        job.receiver.send(Numbered::Num(job.sender, seq));
    }
    // Stay until the receiver has everything (a normal end would tell its monitor).
    sleep(Duration::from_secs(600));
}

fn receive_all((root, count): (Process<String>, u64), mailbox: Mailbox<Numbered>) {
    // Senders link to the receiver; it must outlive them to report.
    let monitors = mailbox.monitorable();
    let mailbox = monitors.clone().catch_link_failure();
    let mut next = [0u64; 2];
    let mut ended = [false; 2];
    let mut pids = [0u64; 2];
    let (mut holes, mut after_down) = (0, 0);
    let mut first_hole = None;
    let mut lines = Vec::new();
    while ended.iter().any(|e| !e) {
        match mailbox.receive_timeout(Duration::from_secs(120)) {
            Ok(MessageSignal::Message(Numbered::Hello(s, p))) => {
                pids[s as usize] = p.id();
                monitors.monitor(p);
            }
            Ok(MessageSignal::Message(Numbered::Ack)) => {}
            Ok(MessageSignal::Message(Numbered::Num(s, seq))) => {
                let s = s as usize;
                if ended[s] {
                    after_down += 1;
                    continue;
                }
                if seq != next[s] {
                    holes += 1;
                    first_hole.get_or_insert((s, next[s], seq));
                }
                next[s] = seq + 1;
                if next[s] == count {
                    lines.push(format!("sender {s}: {count} of {count}, complete"));
                    ended[s] = true;
                }
            }
            Ok(MessageSignal::Signal(lunatic::Signal::LinkDied(_))) => {}
            Ok(MessageSignal::Signal(lunatic::Signal::ProcessDied(pid))) => {
                if let Some(s) = pids.iter().position(|&p| p == pid) {
                    if !ended[s] {
                        lines.push(format!(
                            "sender {s}: {} of {count}, then noconnection",
                            next[s]
                        ));
                        ended[s] = true;
                    }
                }
            }
            other => {
                lines.push(format!("receiver: {:?}", other.err()));
                break;
            }
        }
    }
    lines.push(format!("holes {holes}, after a down {after_down}"));
    if let Some((s, wanted, got)) = first_hole {
        lines.push(format!("first hole: sender {s} wanted {wanted}, got {got} (pids {pids:?})"));
    }
    // The report may meet a pair that is just reconnecting: send it until the root says
    // it has it.
    let report = lines.join("; ");
    for _ in 0..60 {
        root.send(report.clone());
        if let Ok(MessageSignal::Message(Numbered::Ack)) =
            mailbox.receive_timeout(Duration::from_secs(1))
        {
            return;
        }
    }
}

/// Sends 2 MiB to a process on another node, which answers with their length and sum.
fn big() {
    let root: Mailbox<(u64, u64)> = unsafe { Mailbox::new() };
    let Some(&other) = others().first() else {
        println!("big: no other node");
        return;
    };
    let echo = Process::spawn_node(other, root.this(), |root, m: Mailbox<Vec<u8>>| {
        let data = m.receive();
        let sum = data.iter().map(|&b| u64::from(b)).sum();
        root.send((data.len() as u64, sum));
    });
    let data: Vec<u8> = (0..2u32 << 20).map(|i| (i % 251) as u8).collect();
    let sum: u64 = data.iter().map(|&b| u64::from(b)).sum();
    echo.send(data);
    match root.receive_timeout(Duration::from_secs(60)) {
        Ok((len, got)) if len == 2 << 20 && got == sum => println!("big: 2 MiB arrived intact"),
        other => println!("big: {other:?}"),
    }
}
