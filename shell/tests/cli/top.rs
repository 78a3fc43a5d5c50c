//! `top`: the processes with the most of a resource, now and over a window, biggest first.

use crate::support::{self, values};

#[test]
fn top_ranks_by_mailbox_fuel_over_a_window_and_memory() {
    let script = r#"load examples/wat/busy_loop.wat
load examples/wat/counter.wat
spin = spawn busy_loop.spin()
c = spawn counter.counter()
send spin b"0123456789" as raw
send spin b"0123456789" as raw
send spin b"0123456789" as raw
top --mailbox 1
top --fuel --window=300ms 2
top --memory
top --fuel --memory
kill spin"#;
    let out = support::run_with_input(&["shell", "--json"], script);
    let values = values(&out.stdout);
    // The first spawn's reply is the spinner's pid.
    let spin = values
        .iter()
        .find_map(|v| v.get("pid").filter(|_| v.as_object().unwrap().len() == 1))
        .expect("spin's pid")
        .clone();
    let pid = |row: &serde_json::Value| row["pid"].clone();
    let tops: Vec<&serde_json::Value> = values.iter().filter(|v| v.get("by").is_some()).collect();
    assert_eq!(tops.len(), 3, "{values:?}");

    // The process nobody receives from holds the three messages.
    let mailbox = tops[0]["processes"].as_array().unwrap();
    assert_eq!(mailbox.len(), 1, "N limits the rows");
    assert_eq!(pid(&mailbox[0]), spin);
    assert_eq!(mailbox[0]["mailbox"], 3);

    // Over a window the spinner gained fuel and the idle counter none.
    assert_eq!(tops[1]["window_ms"], 300);
    let fuel = tops[1]["processes"].as_array().unwrap();
    assert_eq!(fuel.len(), 2);
    assert_eq!(pid(&fuel[0]), spin);
    assert!(fuel[0]["fuel"].as_u64().unwrap() > 1_000_000, "{fuel:?}");
    assert_eq!(fuel[1]["fuel"], 0, "{fuel:?}");

    // Memory: biggest first, every process (fewer than ten).
    let memory: Vec<u64> = tops[2]["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["memory"].as_u64().unwrap())
        .collect();
    assert!(memory.len() >= 3, "{memory:?}");
    assert!(memory.windows(2).all(|w| w[0] >= w[1]), "{memory:?}");

    // One resource at a time.
    let error = values.iter().find(|v| v.get("error").is_some()).unwrap();
    assert_eq!(error["input"], "top --fuel --memory");
    assert!(
        error["error"].as_str().unwrap().contains("one of --fuel"),
        "{error}"
    );
}

#[test]
fn top_as_text_names_its_unit_and_share() {
    let script = "load examples/wat/busy_loop.wat\nspin = spawn busy_loop.spin()\ntop --fuel --window=200ms 1\nkill spin";
    let out = support::run_with_input(&["shell"], script);
    assert!(
        out.stdout.contains("FUEL IN 200ms") && out.stdout.contains("SHARE"),
        "{}",
        out.stdout
    );
    let row = out
        .stdout
        .lines()
        .find(|l| l.contains("busy_loop@1.spin") && l.contains('%'))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(row.trim_end().ends_with('%'), "{row}");
}
