//! The book's `grain` sessions, executed and compared: the book never lies.
//!
//! Every ```` ```console ```` block in `book/src` is a session. A line starting with `$ ` is
//! a command (it must start with `grain`); the lines after it, up to the next command, are
//! what it prints (stdout, then stderr). A last line `[exit status: N]` states a non-zero
//! exit. A line `...` matches any number of lines; `...` inside a line matches any text.
//! A `$ grain shell` session's input is its lines after the `grain> ` (and `....> `)
//! prompts, and its output is the whole transcript. Paths to Rust guests
//! (`examples/guests/target/wasm32-wasip1/release/NAME.wasm`) are built before they run, and
//! so are the AssemblyScript examples (`examples/assemblyscript/build/NAME.wasm`) and the
//! live-view demo (`examples/live-view/target/wasm32-wasip1/release/NAME.wasm`; its sessions
//! hold port 3000 until the book's sessions end).
//! A command ending in ` &` starts a node in the background (it must open a control socket;
//! its output is the line saying where; with `--web`, the web observer's link, then the
//! control socket's line if it has one); it runs until the book's sessions end. A
//! `$ grain shell --attach ADDR` session is a shell session on that node. A
//! `$ grain shell --json` session's output is its lines that are not input (no echo); a
//! `$ grain shell --alert-...` session is a shell session with those flags.
//!
//! Cluster sessions: the book writes the NATS server as `nats://127.0.0.1:4222`; the
//! tests start a real nats-server on a random port and put its address there. A
//! `grain node ... &` runs in the background, its output the line saying it joined; a
//! `$ grain shell --nats ...` session is a shell session on a node of the cluster.

use std::path::{Path, PathBuf};

use crate::cluster_support::{Member, Nats};
use crate::live_view_support as live_view;
use crate::support;

/// Where the book's cluster sessions say their NATS server is.
const BOOK_NATS: &str = "nats://127.0.0.1:4222";

/// What the book's sessions leave running until they end.
#[derive(Default)]
struct Background {
    nodes: Vec<support::Node>,
    served: Vec<support::Served>,
    members: Vec<Member>,
    nats: Option<Nats>,
    /// The live-view demo's port, held while a book session serves there.
    port_3000: Option<std::fs::File>,
}

impl Background {
    /// The real URL of the book's NATS server, started on first use.
    fn nats(&mut self) -> String {
        self.nats.get_or_insert_with(Nats::start).url()
    }
}

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
    // GRAIN_BOOK_PAGE=many-machines runs one page's sessions (a developer's loop).
    if let Ok(page) = std::env::var("GRAIN_BOOK_PAGE") {
        files.retain(|f| f.file_stem().is_some_and(|s| s == page.as_str()));
    }
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
            .is_some_and(|(a, arest)| line_matches(first, a) && matches(rest, arest)),
    }
}

/// One line, where `...` inside it matches any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("...");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn run(session: &Session, bg: &mut Background) -> Result<(), String> {
    let command = if session.command.contains(BOOK_NATS) {
        session.command.replace(BOOK_NATS, &bg.nats())
    } else {
        session.command.clone()
    };
    let mut words: Vec<&str> = command.split_whitespace().collect();
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
        if word.contains("examples/assemblyscript/") {
            crate::assemblyscript::build();
        }
        if let Some(name) = word
            .strip_prefix("examples/live-view/target/wasm32-wasip1/release/")
            .and_then(|w| w.strip_suffix(".wasm"))
        {
            live_view::example(name);
            // It serves on port 3000 until the book's sessions end.
            bg.port_3000.get_or_insert_with(live_view::port_lock);
        }
    }
    if words.last() == Some(&"&") && words.get(1) == Some(&"node") {
        words.pop();
        let member = Member::start(&words[1..]);
        let err = member.wait_err("grain: node ");
        let said = err
            .lines()
            .find(|l| l.starts_with("grain: node "))
            .unwrap_or_default()
            .to_owned();
        bg.members.push(member);
        return compare(&session.expected, &[said]);
    }
    if words.last() == Some(&"&") && words.contains(&"--web") {
        words.pop();
        let served = support::Served::start(&words[1..]);
        let said = served.said.clone();
        bg.served.push(served);
        return compare(&session.expected, &said);
    }
    if words.last() == Some(&"&") {
        words.pop();
        let node = support::Node::spawn(&words[1..]);
        if bg.port_3000.is_some() {
            live_view::wait_listening(String::new);
        }
        let said = format!("grain: control socket {}", node.addr);
        bg.nodes.push(node);
        return compare(&session.expected, &[said]);
    }
    match &words[1..] {
        ["shell"] => return shell_session(session, &["shell"]),
        ["shell", "--nats", ..] => return shell_session(session, &words[1..]),
        ["shell", "--attach", addr] => return shell_session(session, &["shell", "--attach", addr]),
        ["shell", "--json"] => return shell_session(session, &["shell", "--json"]),
        ["shell", flag, ..] if flag.starts_with("--alert-") => {
            return shell_session(session, &words[1..]);
        }
        _ => {}
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
    compare(&session.expected, &actual)
}

/// A `grain shell` session: its prompts' lines are the input, the transcript the output.
fn shell_session(session: &Session, args: &[&str]) -> Result<(), String> {
    let input: String = session
        .expected
        .iter()
        .filter_map(|l| {
            l.strip_prefix("grain> ")
                .or_else(|| l.strip_prefix("....> "))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    if input.contains("examples/guests/") {
        support::guest("inbox");
    }
    if input.contains("examples/assemblyscript/") {
        crate::assemblyscript::build();
    }
    let out = support::run_with_input(args, &input);
    let actual: Vec<String> = out.stdout.lines().map(str::to_owned).collect();
    if args.contains(&"--json") {
        // No echo in JSON mode: the output is the lines that are not input.
        let expected: Vec<String> = session
            .expected
            .iter()
            .filter(|l| !l.starts_with("grain> ") && !l.starts_with("....> "))
            .cloned()
            .collect();
        return compare(&expected, &actual);
    }
    compare(&session.expected, &actual)
}

/// Compares a session's printed lines (trailing blank lines aside) with what ran.
fn compare(expected: &[String], actual: &[String]) -> Result<(), String> {
    let mut expected = expected.to_vec();
    while expected.last().is_some_and(|l| l.is_empty()) {
        expected.pop();
    }
    if matches(&expected, actual) {
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
    let mut bg = Background::default();
    let failures: Vec<String> = sessions
        .iter()
        .filter_map(|s| {
            run(s, &mut bg)
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
    assert!(matches(
        &v(&["compiled in ..."]),
        &v(&["compiled in 3.1ms"])
    ));
    assert!(matches(&v(&["a ... c ... e"]), &v(&["a b c d e"])));
    assert!(!matches(&v(&["a ... c"]), &v(&["a b d"])));
}
