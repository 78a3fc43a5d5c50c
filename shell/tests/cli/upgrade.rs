//! Changing code while it runs, from the shell: the same upgrade protocol in a lunatic-rs
//! guest (`examples/guests/src/code.rs`) and an AssemblyScript one (`assembly/grain/code.ts`),
//! rollbacks, restarts by a supervisor, and `--json`.

use crate::assemblyscript::example;
use crate::support::{assert_contains_all, guest, run_with_input};

/// Runs a scripted shell session; returns its transcript (the shell's exit status is not
/// asserted: a line that fails makes it non-zero, and some lines here fail on purpose).
fn shell(args: &[&str], script: &str) -> String {
    let mut all = vec!["shell"];
    all.extend(args);
    run_with_input(&all, script).stdout
}

#[test]
fn a_lunatic_rs_process_keeps_its_pid_and_state_across_upgrades_and_rolls_back() {
    let (v1, v2) = (guest("score_v1"), guest("score_v2"));
    let t = shell(
        &[],
        &format!(
            "load {v1} as score\n\
             s = spawn score._start()\n\
             send s (0u32, 5u64)\n\
             load {v2} as score\n\
             upgrade s\n\
             send s (0u32, 2u64)\n\
             send s 1u32\n\
             load {v2} as score\n\
             upgrade s\n\
             send s 1u32\n\
             load examples/wat/tally_broken.wat as score\n\
             upgrade s\n\
             send s 1u32\n\
             ps\n",
            v1 = v1.display(),
            v2 = v2.display()
        ),
    );
    assert_contains_all(
        &t,
        &[
            "upgraded <0.2>: score@1 -> score@2 in ",
            // v1's state is a bincode u64.
            "(state 8 bytes)",
            "v2: took the score 5 over from version 1",
            "v2 (version 2): the score is 7, after 1 upgrade(s)",
            "upgraded <0.2>: score@2 -> score@3 in ",
            "v2 (version 3): the score is 7, after 2 upgrade(s)",
        ],
    );
    assert!(
        t.contains("error: rolled back: score@4: trap: unreachable"),
        "a broken version rolls back: {t}"
    );
    assert!(
        t.contains("v2: still here (the new code failed to take the state over)"),
        "{t}"
    );
    assert_eq!(
        t.matches("v2 (version 3): the score is 7").count(),
        2,
        "the old code answers after the rollback: {t}"
    );
    assert!(t.contains("<0.2>        score@3._start"), "{t}");
}

#[test]
fn an_assemblyscript_process_upgrades_with_the_librarys_code_module() {
    let (v1, v2) = (example("score_v1"), example("score_v2"));
    let t = shell(
        &[],
        &format!(
            "load {v1} as points\n\
             p = spawn points.serve(0i64)\n\
             send p b\"5\" as raw\n\
             send p b\"show\" as raw\n\
             load {v2} as points\n\
             upgrade p\n\
             send p b\"2\" as raw\n\
             send p b\"show\" as raw\n"
        ),
    );
    assert_contains_all(
        &t,
        &[
            "v1: the score is 5",
            "upgraded <0.2>: points@1 -> points@2 in ",
            "v2: took the score 5 over from version 1",
            "v2 (version 2): the score is 7, after 1 upgrade(s)",
        ],
    );
}

#[test]
fn a_supervised_process_without_the_protocol_is_restarted_on_the_new_code() {
    let t = shell(
        &[],
        "load examples/wat/counter.wat\n\
         sup = supervise one_for_one counter.counter()\n\
         c = children sup counter\n\
         load examples/wat/counter.wat\n\
         upgrade c\n\
         upgrade c --restart\n\
         ps\n\
         x = spawn counter.counter()\n\
         load examples/wat/counter.wat\n\
         upgrade x --restart\n",
    );
    assert!(
        t.contains("counter@2 exports no `grain_code_change`, so it cannot take a running process's state over (`upgrade --restart` restarts the process on it instead)"),
        "{t}"
    );
    assert!(
        t.contains("restarted <0.3> (counter@1) as <0.4> (counter@2) by its supervisor <0.2>"),
        "{t}"
    );
    assert!(t.contains("<0.4>        counter@2.counter"), "{t}");
    assert!(
        t.contains(
            "<0.5> has no supervisor to restart it: kill it and spawn it again on the new code"
        ),
        "{t}"
    );
}

#[test]
fn upgrade_purge_and_modules_speak_json() {
    let out = shell(
        &["--json"],
        "load examples/wat/tally_v1.wat as tally\n\
         t = spawn tally.serve()\n\
         old = spawn tally.serve()\n\
         load examples/wat/tally_v2.wat as tally\n\
         upgrade t\n\
         modules\n\
         purge tally --soft\n\
         purge tally\n",
    );
    let values: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let output = |i: usize| &values[i];
    assert_eq!(output(3)["version"], 2);
    assert_eq!(output(3)["old"][0]["processes"], 2);
    assert_eq!(output(4)["from"], "tally@1");
    assert_eq!(output(4)["to"], "tally@2");
    assert_eq!(output(4)["state_bytes"], 8);
    assert!(output(4)["micros"].as_u64().is_some());
    let modules = output(5).as_array().unwrap();
    assert_eq!(modules.len(), 2);
    assert_eq!(modules[0]["version"], 1);
    assert_eq!(modules[0]["current"], false);
    assert_eq!(modules[0]["processes"], 1);
    assert_eq!(modules[1]["current"], true);
    assert!(
        values[6]["error"]
            .as_str()
            .unwrap()
            .starts_with("1 still run old code of tally: <0.3>"),
        "{:?}",
        values[6]
    );
    assert_eq!(output(7)["versions"], serde_json::json!([1]));
    assert_eq!(output(7)["ended"].as_array().unwrap().len(), 1);
}

/// The Erlang side of the side-by-side upgrade row runs and gives its figure.
#[test]
fn the_erlang_upgrade_bench_gives_its_figure_when_erlang_is_installed() {
    use std::process::Command;
    if Command::new("escript").output().is_err() {
        eprintln!("escript is not installed: the Erlang side is not run");
        return;
    }
    let out = Command::new("escript")
        .arg(crate::support::root().join("benches/side-by-side/upgrade.escript"))
        .arg("--quick")
        .output()
        .expect("escript runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fields: Vec<&str> = stdout.trim_end().split('\t').collect();
    assert_eq!(fields.len(), 3, "{stdout}");
    assert_eq!((fields[0], fields[2]), ("upgrade", "µs"));
    let us: f64 = fields[1].parse().expect("a number");
    assert!(us > 0.0, "{stdout}");
}
