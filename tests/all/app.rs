//! Applications declared in a TOML file.

use std::time::Duration;

use grain::supervisor::{App, Strategy, parse_intensity};

use crate::support::{Node, eventually};

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("grain-app-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn an_application_file_starts_a_supervision_tree() {
    let dir = temp_dir("tree");
    write(
        &dir,
        "worker.wat",
        r#"(module
            (import "lunatic::message" "receive" (func $r (param i32 i32 i64) (result i32)))
            (memory (export "memory") 1)
            (func (export "work") (param i64) (drop (call $r (i32.const 0) (i32.const 0) (i64.const -1)))))"#,
    );
    let app = write(
        &dir,
        "app.toml",
        r#"
[modules]
worker = "worker.wat"

[supervisor]
strategy = "rest_for_one"
intensity = "5/10s"
name = "root"

[[supervisor.children]]
id = "counter"
module = "worker"
function = "work"
args = ["7i64"]
name = "counter"
max_fuel = "10M"
max_memory = "2MiB"

[[supervisor.children]]
id = "pool"
supervisor = { strategy = "one_for_all", children = [
  { id = "w1", module = "worker", function = "work", args = ["1i64"], restart = "transient", max_fuel = 250000 },
] }
"#,
    );
    let node = Node::new();
    let app = App::load(&node.rt, &app).unwrap();
    assert_eq!(app.spec.strategy, Strategy::RestForOne);
    assert_eq!(app.spec.intensity.max_restarts, 5);
    let sup = node
        .rt
        .start_supervisor(app.spec, app.name.as_deref())
        .unwrap();
    assert_eq!(node.rt.registry().get("root"), Some(sup.pid()));
    let counter = node
        .rt
        .registry()
        .get("counter")
        .expect("the child is registered");
    // Limits are in fuel (1 fuel = 1 wasm instruction) and bytes, with or without a suffix.
    let config = node.rt.process(counter).unwrap().config().clone();
    assert_eq!(config.max_fuel, Some(10_000_000));
    assert_eq!(config.max_memory, Some(2 << 20));
    let pool = sup.info().children[1].pid.unwrap();
    let nested = node.rt.supervisor(pool).expect("a nested supervisor");
    let w1 = nested.info().children[0].pid.expect("w1 runs");
    assert_eq!(
        node.rt.process(w1).unwrap().config().max_fuel,
        Some(250_000)
    );
    assert_eq!(nested.info().strategy, Strategy::OneForAll);
    node.rt.kill(counter);
    eventually("counter is back", || {
        node.rt
            .registry()
            .get("counter")
            .is_some_and(|p| p != counter)
    })
    .await;
    eventually("rest_for_one restarted the pool too", || {
        sup.info().children[1].pid.is_some_and(|p| p != pool)
    })
    .await;
    sup.stop().await;
}

#[tokio::test]
async fn a_bad_application_file_is_a_clear_error() {
    let dir = temp_dir("bad");
    let node = Node::new();
    let unknown = write(
        &dir,
        "a.toml",
        "[supervisor]\nstrategy = \"one_for_some\"\n",
    );
    let err = App::load(&node.rt, &unknown).err().unwrap().to_string();
    assert!(err.contains("one_for_some"), "{err}");
    let missing = write(
        &dir,
        "b.toml",
        "[supervisor]\nstrategy = \"one_for_one\"\n[[supervisor.children]]\nid = \"x\"\nmodule = \"nope\"\n",
    );
    let err = App::load(&node.rt, &missing).err().unwrap().to_string();
    assert!(err.contains("no module \"nope\""), "{err}");
    let err = App::load(&node.rt, &dir.join("absent.toml"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("cannot read"), "{err}");
    write(&dir, "w.wat", "(module)");
    let amount = write(
        &dir,
        "c.toml",
        "[modules]\nw = \"w.wat\"\n[supervisor]\nstrategy = \"one_for_one\"\n[[supervisor.children]]\nid = \"x\"\nmodule = \"w\"\nmax_fuel = \"lots\"\n",
    );
    let err = App::load(&node.rt, &amount).err().unwrap().to_string();
    assert!(
        err.contains("child \"x\": max_fuel: `lots` is not an amount of fuel"),
        "{err}"
    );
}

#[test]
fn intensities_read_like_n_restarts_in_t() {
    assert_eq!(
        parse_intensity("3/5s").unwrap().period,
        Duration::from_secs(5)
    );
    assert_eq!(parse_intensity("10/500ms").unwrap().max_restarts, 10);
    assert_eq!(
        parse_intensity("1/2m").unwrap().period,
        Duration::from_secs(120)
    );
    assert!(parse_intensity("3").is_err());
    assert!(parse_intensity("3/5h").is_err());
}
