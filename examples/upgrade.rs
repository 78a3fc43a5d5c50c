//! The grain side of the upgrade row of `benches/side-by-side.sh`: moves a tally
//! (`examples/wat/tally_v2.wat`, a 16-byte state) back and forth between two loaded versions
//! and prints the median time of an upgrade in place as `upgrade<TAB>µs<TAB>µs`, to set
//! beside Erlang's `sys:suspend` + `sys:change_code` + `sys:resume`
//! (`benches/side-by-side/upgrade.escript`). `cargo run --release --example upgrade [-- --quick]`.

use std::time::Duration;

use grain::{ProcessConfig, Runtime, RuntimeConfig};

const V1: &str = include_str!("wat/tally_v1.wat");
const V2: &str = include_str!("wat/tally_v2.wat");

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 200 } else { 2_000 };
    let rt = Runtime::new(RuntimeConfig::default()).expect("a runtime");
    let v1 = rt.load("tally", V1.as_bytes()).expect("v1 loads");
    let versions = [
        rt.load("tally", V2.as_bytes()).expect("v2 loads"),
        rt.load("tally", V2.as_bytes()).expect("v2 loads"),
    ];
    let tally = rt
        .spawn(&v1, "serve", &[], ProcessConfig::default())
        .expect("spawn")
        .pid();
    let mut times = Vec::with_capacity(n);
    for i in 0..=n {
        let done = rt
            .upgrade(tally, &versions[i % 2], Duration::from_secs(5))
            .await
            .expect("upgraded");
        // The first one (from v1) warms up.
        if i > 0 {
            times.push(done.took);
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    println!("upgrade\t{:.1}\tµs", median.as_secs_f64() * 1e6);
}
