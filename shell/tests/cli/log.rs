//! `--log`: the node's log of traps, restarts and give-ups, text and JSON, rate-limited.

use crate::support::{root, run, temp_dir};

/// An application whose one child crashes at once, restarted up to `intensity`.
fn crashing_app(name: &str, intensity: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::copy(
        root().join("examples/wat/crasher.wat"),
        dir.join("crasher.wat"),
    )
    .unwrap();
    let app = dir.join("app.toml");
    std::fs::write(
        &app,
        format!(
            "[modules]\ncrasher = \"crasher.wat\"\n\n[supervisor]\nstrategy = \"one_for_one\"\n\
             intensity = \"{intensity}\"\n\n[[supervisor.children]]\nid = \"crasher\"\n\
             module = \"crasher\"\nfunction = \"_start\"\n"
        ),
    )
    .unwrap();
    app
}

fn lines_of<'a>(log: &'a str, event: &str) -> Vec<&'a str> {
    // `TIME LEVEL EVENT fields...`
    log.lines()
        .filter(|l| l.split_whitespace().nth(2) == Some(event))
        .collect()
}

#[test]
fn the_log_tells_of_traps_restarts_and_the_give_up() {
    let app = crashing_app("log-text", "2/10s");
    let out = run(&["run", "--log", "stderr", app.to_str().unwrap()]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    let traps = lines_of(&out.stderr, "trap");
    assert_eq!(traps.len(), 3, "three crashes: {}", out.stderr);
    assert!(
        traps[0].contains("ERROR trap pid=<0.")
            && traps[0].contains("process=crasher@1/_start kind=unreachable")
            && traps[0].contains("backtrace=\"0: "),
        "{}",
        traps[0]
    );
    let restarts = lines_of(&out.stderr, "restart");
    assert_eq!(restarts.len(), 2, "{}", out.stderr);
    assert!(
        restarts[1].contains("child=crasher") && restarts[1].contains("restarts=2 window=2/2"),
        "{}",
        restarts[1]
    );
    let gave_up = lines_of(&out.stderr, "gave_up");
    assert_eq!(gave_up.len(), 1, "{}", out.stderr);
    assert!(gave_up[0].contains("restart intensity"), "{}", gave_up[0]);
}

#[test]
fn the_log_writes_json_to_a_file() {
    let app = crashing_app("log-json", "2/10s");
    let file = app.with_file_name("grain.log");
    let out = run(&[
        "run",
        "--log",
        file.to_str().unwrap(),
        "--log-format",
        "json",
        app.to_str().unwrap(),
    ]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    let log = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let of = |event: &str| lines.iter().filter(|l| l["event"] == event).count();
    assert_eq!(
        (of("trap"), of("restart"), of("gave_up")),
        (3, 2, 1),
        "{log}"
    );
    let restart = lines.iter().find(|l| l["event"] == "restart").unwrap();
    assert_eq!(restart["level"], "warn");
    assert_eq!(restart["child"], "crasher");
    assert_eq!(restart["restarts"], 1);
    let trap = lines.iter().find(|l| l["event"] == "trap").unwrap();
    assert_eq!(trap["kind"], "unreachable");
    assert!(trap["ts"].as_str().unwrap().ends_with('Z'), "{trap}");
}

#[test]
fn a_crash_storm_is_cut_to_a_rate_and_summed_up() {
    let crashes = 400;
    let app = crashing_app("log-storm", &format!("{}/60s", crashes - 1));
    let out = run(&[
        "run",
        "--log",
        "stderr",
        "--log-rate",
        "5",
        app.to_str().unwrap(),
    ]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    let traps = lines_of(&out.stderr, "trap").len();
    let suppressed: Vec<&str> = lines_of(&out.stderr, "suppressed");
    assert!(traps <= 5 * 10, "at most 5 a second: {traps}");
    let of_traps: u64 = suppressed
        .iter()
        .filter(|l| l.contains(" of=trap "))
        .map(|l| {
            let n = l.split("lines=").nth(1).unwrap().split(' ').next().unwrap();
            n.parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(
        traps as u64 + of_traps,
        crashes,
        "every crash is written or counted: {}",
        suppressed.join("\n")
    );
    assert!(
        suppressed
            .iter()
            .any(|l| l.contains("message=\"... suppressed ") && l.contains("similar trap lines")),
        "{}",
        suppressed.join("\n")
    );
}

#[test]
fn a_growing_mailbox_is_an_alert_in_the_shell_and_in_the_log() {
    // The shell's own mailbox grows past the bound: the monitor's next look (every
    // 500 ms) raises one alert; the shell says it, the log writes it.
    let script = "repeat 150 send self 1\nreceive 1500 --tag=7\nreceive 10 --tag=7";
    let out = crate::support::run_with_input(
        &[
            "shell",
            "--log",
            "stderr",
            "--alert-mailbox",
            "100",
            "--alert-memory",
            "off",
        ],
        script,
    );
    assert!(
        out.stdout
            .contains("** alert: <0.1> mailbox of 150 messages (alert above 100)"),
        "{}",
        out.stdout
    );
    assert_eq!(out.stdout.matches("** alert:").count(), 1, "{}", out.stdout);
    let alerts = lines_of(&out.stderr, "alert");
    assert_eq!(alerts.len(), 1, "{}", out.stderr);
    assert!(
        alerts[0].contains("WARN  alert pid=<0.1>")
            && alerts[0].contains("alert=mailbox observed=150 threshold=100"),
        "{}",
        alerts[0]
    );
    let bad = crate::support::run(&["shell", "--alert-restarts", "ten"]);
    assert_eq!(bad.status, 2, "a usage error: {}", bad.stderr);
    assert!(
        bad.stderr
            .contains("--alert-restarts ten: not a value or `off`"),
        "{}",
        bad.stderr
    );
}
