//! The distribution benchmarks cannot rot: the grain side of
//! `benches/side-by-side-distributed.sh` (the `dist_bench` guest) in its quick mode on two
//! real nodes, and the Erlang side when Erlang is installed. Only that every figure comes
//! out, positive, is checked here: the figures themselves come from the script.

use std::collections::BTreeMap;
use std::process::Command;

use crate::cluster_support::{Member, Nats, PATIENT, cluster_name};
use crate::support;

/// Every figure both sides print.
const FIGURES: [&str; 6] = [
    "spawn_cold",
    "spawn_warm_p50",
    "spawn_warm_p99",
    "ping_pong_p50",
    "ping_pong_p99",
    "one_way",
];

/// The `name<TAB>value<TAB>unit` lines of a run.
fn figures(out: &str) -> BTreeMap<String, f64> {
    out.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next()?.to_owned();
            let value = fields.next()?.parse().ok()?;
            fields.next()?;
            Some((name, value))
        })
        .collect()
}

fn assert_every_figure(out: &str) {
    let got = figures(out);
    for name in FIGURES {
        let value = got
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in:\n{out}"));
        assert!(*value > 0.0, "{name} = {value} in:\n{out}");
    }
}

#[test]
fn the_distribution_benchmark_guest_gives_every_figure_on_two_nodes() {
    let nats = Nats::start();
    let cluster = cluster_name("bench");
    let _b = Member::node(&nats.url(), &cluster, "b");
    let wasm = support::guest("dist_bench");
    let mut a = Member::start(&[
        "run",
        "--nats",
        &nats.url(),
        "--cluster",
        &cluster,
        "--name",
        "a",
        "--down-after",
        PATIENT,
        &wasm.to_string_lossy(),
        "--quick",
    ]);
    assert_eq!(
        a.wait(),
        0,
        "stdout:\n{}\nstderr:\n{}",
        a.stdout(),
        a.stderr()
    );
    assert_every_figure(&a.stdout());
}

#[test]
fn the_erlang_side_gives_every_figure_when_erlang_is_installed() {
    if Command::new("escript").output().is_err() {
        eprintln!("escript is not installed: the Erlang side is not run");
        return;
    }
    let out = Command::new("escript")
        .arg(support::root().join("benches/side-by-side/distributed.escript"))
        .arg("--quick")
        .output()
        .expect("escript runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_every_figure(&stdout);
}
