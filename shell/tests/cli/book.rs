//! The book's `grain` sessions, executed and compared: the book never lies.
//!
//! Every ```` ```console ```` block in `book/src` is a session. A line starting with `$ ` is
//! a command (it must start with `grain`); the lines after it, up to the next command, are
//! what it prints (stdout, then stderr). A last line `[exit status: N]` states a non-zero
//! exit. A line `...` matches any number of lines. Paths to Rust guests
//! (`examples/guests/target/wasm32-wasip1/release/NAME.wasm`) are built before they run.

use std::path::{Path, PathBuf};

use crate::support;

struct Session {
    file: PathBuf,
    line: usize,
    command: String,
    expected: Vec<String>,
}

fn sessions() -> Vec<Session> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut sessions = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut in_console = false;
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_console = !in_console && line.trim() == "```console";
                continue;
            }
            if !in_console {
                continue;
            }
            if let Some(command) = line.strip_prefix("$ ") {
                sessions.push(Session {
                    file: file.clone(),
                    line: i + 1,
                    command: command.to_owned(),
                    expected: Vec::new(),
                });
            } else if let Some(session) = sessions.last_mut().filter(|s| s.file == file) {
                session.expected.push(line.to_owned());
            }
        }
    }
    sessions
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
}

/// Does `actual` match `expected`, where a `...` line matches any run of lines?
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(a, arest)| a == first && matches(rest, arest)),
    }
}

fn run(session: &Session) -> Result<(), String> {
    let words: Vec<&str> = session.command.split_whitespace().collect();
    if words.first() != Some(&"grain") {
        return Err("a console session may only run `grain`".into());
    }
    for word in &words {
        if let Some(name) = word
            .strip_prefix("examples/guests/target/wasm32-wasip1/release/")
            .and_then(|w| w.strip_suffix(".wasm"))
        {
            support::guest(name);
        }
    }
    let out = support::run(&words[1..]);
    let mut actual: Vec<String> = out
        .stdout
        .lines()
        .chain(out.stderr.lines())
        .map(str::to_owned)
        .collect();
    if out.status != 0 {
        actual.push(format!("[exit status: {}]", out.status));
    }
    let mut expected = session.expected.clone();
    while expected.last().is_some_and(|l| l.is_empty()) {
        expected.pop();
    }
    if matches(&expected, &actual) {
        Ok(())
    } else {
        Err(format!(
            "expected:\n{}\nactual:\n{}",
            expected.join("\n"),
            actual.join("\n")
        ))
    }
}

#[test]
fn every_session_in_the_book_runs_as_printed() {
    let sessions = sessions();
    assert!(!sessions.is_empty(), "the book has sessions");
    let failures: Vec<String> = sessions
        .iter()
        .filter_map(|s| {
            run(s)
                .err()
                .map(|e| format!("{}:{}: $ {}\n{e}", s.file.display(), s.line, s.command))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_matcher_understands_ellipses() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(matches(&v(&["a", "...", "d"]), &v(&["a", "b", "c", "d"])));
    assert!(matches(&v(&["a", "..."]), &v(&["a"])));
    assert!(!matches(&v(&["a", "d"]), &v(&["a", "b", "d"])));
    assert!(!matches(&v(&["a"]), &v(&["a", "b"])));
}
