//! `grain run` on the WAT examples, limits, and bad input.

use crate::support::run;

fn example(name: &str) -> String {
    format!("examples/wat/{name}.wat")
}

#[test]
fn the_teaching_examples_print_what_they_promise() {
    for (name, expected) in [
        ("hello", "Hello, grain!\n"),
        ("echo", "echo: ping\n"),
        ("counter", "count = 3\n"),
        ("ping_pong", "ping-pong: 1000 round trips\n"),
        ("ring", "ring: 100 processes, 10 laps\n"),
        ("links", "link died: tag 7\n"),
    ] {
        let out = run(&["run", &example(name)]);
        assert_eq!(out.stdout, expected, "{name}: {}", out.stderr);
        assert_eq!(out.status, 0, "{name}");
    }
}

#[test]
fn a_trap_exits_101_with_kind_message_and_named_backtrace() {
    let out = run(&["run", &example("crasher")]);
    assert_eq!(out.stdout, "about to crash\n");
    assert_eq!(out.status, 101);
    assert!(
        out.stderr.contains("trapped: unreachable"),
        "{}",
        out.stderr
    );
    let level2 = out.stderr.find("level2").expect("level2 in the backtrace");
    let level1 = out.stderr.find("level1").expect("level1 in the backtrace");
    assert!(level2 < level1, "innermost frame first");
}

#[test]
fn a_fuel_limit_stops_a_busy_loop() {
    let out = run(&["run", "--max-fuel", "1M", &example("busy_loop")]);
    assert_eq!(out.status, 101);
    assert!(out.stderr.contains("out of fuel"), "{}", out.stderr);
}

#[test]
fn a_memory_limit_stops_a_memory_hog() {
    let out = run(&["run", "--max-memory", "4194304", &example("memory_hog")]);
    assert_eq!(out.status, 101);
    assert!(
        out.stderr.contains("memory limit exceeded"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_granted_directory_is_checked() {
    let out = run(&["run", "--dir", "/no/such/dir", &example("hello")]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("not a directory"), "{}", out.stderr);
    let out = run(&["run", "--dir", "/no/such/dir::data", &example("hello")]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("not a directory"), "{}", out.stderr);
    let out = run(&["run", "--dir", "examples::", &example("hello")]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("HOST::GUEST"), "{}", out.stderr);
}

#[test]
fn bad_input_is_a_one_line_error_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("grain-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk.wasm");
    std::fs::write(&junk, b"not wasm at all").unwrap();
    let bad_wat = dir.join("bad.wat");
    std::fs::write(&bad_wat, "(module (func (export \"_start\") (i32.add)))").unwrap();
    let unknown = dir.join("unknown.wat");
    std::fs::write(
        &unknown,
        "(module (import \"lunatic::process\" \"teleport\" (func)))",
    )
    .unwrap();
    for (args, says) in [
        (
            vec!["run", "no/such/file.wasm"],
            "cannot read no/such/file.wasm",
        ),
        (
            vec!["run", junk.to_str().unwrap()],
            "not a WebAssembly binary",
        ),
        (vec!["run", bad_wat.to_str().unwrap()], "not a valid module"),
        (vec!["run", unknown.to_str().unwrap()], "teleport"),
    ] {
        let out = run(&args);
        assert_eq!(out.status, 2, "{args:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    let out = run(&["run", "--max-fuel", "lots", &example("hello")]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.contains("invalid value 'lots'")
            && out
                .stderr
                .contains("is not an amount of fuel (expected e.g. 10M or 250000)"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_application_file_runs_a_supervised_system() {
    let dir = std::env::temp_dir().join(format!("grain-app-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        crate::support::root().join("examples/wat/crasher.wat"),
        dir.join("crasher.wat"),
    )
    .unwrap();
    let app = dir.join("app.toml");
    std::fs::write(
        &app,
        "[modules]\ncrasher = \"crasher.wat\"\n\n[supervisor]\nstrategy = \"one_for_one\"\nintensity = \"2/10s\"\n\n\
         [[supervisor.children]]\nid = \"crasher\"\nmodule = \"crasher\"\nfunction = \"_start\"\n",
    )
    .unwrap();
    let out = run(&["run", app.to_str().unwrap()]);
    assert_eq!(
        out.stdout,
        "about to crash\n".repeat(3),
        "started, then restarted twice"
    );
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("reached its restart intensity"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.starts_with("grain: started\n  <0.") && out.stderr.contains("one_for_one"),
        "it says what it started: {}",
        out.stderr
    );
}

#[test]
fn init_writes_a_cargo_config_once() {
    let dir = std::env::temp_dir().join(format!("grain-init-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let config = std::fs::read_to_string(dir.join(".cargo/config.toml")).unwrap();
    assert!(config.contains("target = \"wasm32-wasip1\""));
    assert!(config.contains("runner = \"grain run\""));
    let again = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status, 2);
    assert!(again.stderr.contains("exists already"), "{}", again.stderr);
    assert_eq!(run(&["init", "--force", dir.to_str().unwrap()]).status, 0);
}

/// `--coredump DIR`: a trap leaves a wasm coredump, named on stderr and by the shell's
/// `info` of the dead process.
#[test]
fn a_trap_leaves_a_coredump_where_told() {
    let dir = crate::support::temp_dir("coredump");
    let dumps = dir.join("dumps");
    let out = run(&[
        "run",
        "--coredump",
        dumps.to_str().unwrap(),
        &example("crasher"),
    ]);
    assert_eq!(out.status, 101);
    let file = dumps.join("crasher-0.1.coredump");
    assert!(
        out.stderr
            .contains(&format!("coredump: {}", file.display())),
        "{}",
        out.stderr
    );
    let bytes = std::fs::read(&file).expect("the coredump");
    assert_eq!(&bytes[..4], b"\0asm", "a wasm module");

    let shell_dumps = dir.join("shell");
    let out = crate::support::run_with_input(
        &["shell", "--coredump", shell_dumps.to_str().unwrap()],
        "load examples/wat/crasher.wat\nc = spawn crasher._start()\nwait c\ninfo c",
    );
    let named = shell_dumps.join("crasher-0.2.coredump");
    assert!(
        out.stdout
            .contains(&format!("coredump: {}", named.display()))
            && named.exists(),
        "{}",
        out.stdout
    );
}
