//! Helpers: runtimes with captured output, and test modules built on a shared WAT prelude.

use std::time::Duration;

use grain::{Capture, ExitReason, Module, Process, ProcessConfig, Runtime, RuntimeConfig, Stdio};

const PRELUDE: &str = include_str!("prelude.wat");

/// A runtime whose processes write into captures, sized small for tests.
pub struct Node {
    pub rt: Runtime,
    pub stdout: Capture,
    #[allow(dead_code, reason = "kept for tests that look at stderr")]
    pub stderr: Capture,
}

impl Node {
    pub fn new() -> Self {
        Self::with_capacity(256)
    }

    pub fn with_capacity(max_processes: usize) -> Self {
        Self::configured(|c| c.max_processes = max_processes)
    }

    /// A node whose runtime settings `f` adjusts.
    pub fn configured(f: impl FnOnce(&mut RuntimeConfig)) -> Self {
        let (stdio, stdout, stderr) = Stdio::captured();
        let mut config = RuntimeConfig {
            stdio,
            observe_interval: Duration::from_millis(20),
            ..RuntimeConfig::default()
        };
        f(&mut config);
        Node {
            rt: Runtime::new(config).expect("runtime"),
            stdout,
            stderr,
        }
    }

    /// Loads a module made of the prelude and `body`.
    pub fn load(&self, body: &str) -> Module {
        self.rt
            .load("test", wat(body).as_bytes())
            .unwrap_or_else(|e| panic!("test module does not load: {e}"))
    }

    /// Spawns `function` of a module built from `body`, with all permissions.
    pub fn spawn(&self, body: &str, function: &str) -> Process {
        let module = self.load(body);
        self.rt
            .spawn(&module, function, &[], ProcessConfig::root())
            .expect("spawn")
    }

    /// Runs `main` of a module built from `body` to its end; returns its fate and the output.
    pub async fn run(&self, body: &str) -> (ExitReason, String) {
        let process = self.spawn(body, "main");
        let reason = wait(&process).await;
        (reason, self.stdout.text())
    }

    /// Output lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.stdout.text().lines().map(str::to_owned).collect()
    }
}

/// The prelude and `body` as one module (imports of both first, as wasm requires).
pub fn wat(body: &str) -> String {
    let (prelude_imports, prelude_rest) = split_imports(PRELUDE);
    let (body_imports, body_rest) = split_imports(body);
    format!("(module\n{prelude_imports}\n{body_imports}\n{prelude_rest}\n{body_rest}\n)")
}

/// Separates the top-level `(import ...)` forms of a WAT fragment from the rest.
fn split_imports(wat: &str) -> (String, String) {
    let (mut imports, mut rest) = (String::new(), String::new());
    let mut chars = wat.char_indices().peekable();
    let mut start = 0;
    while let Some((i, c)) = chars.next() {
        if c == ';' && wat[i..].starts_with(";;") {
            // Skip line comments (they may hold parentheses).
            for (_, c) in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            continue;
        }
        if c == '(' && wat[i..].starts_with("(import") {
            rest.push_str(&wat[start..i]);
            let mut depth = 0;
            let mut end = i;
            for (j, c) in wat[i..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i + j + 1;
                    break;
                }
            }
            imports.push_str(&wat[i..end]);
            imports.push('\n');
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
            start = end;
        }
    }
    rest.push_str(&wat[start..]);
    (imports, rest)
}

/// Waits for a process to end, failing the test after 30 s.
pub async fn wait(process: &Process) -> ExitReason {
    tokio::time::timeout(Duration::from_secs(30), process.wait())
        .await
        .unwrap_or_else(|_| panic!("{process:?} did not end within 30 s"))
}

/// Polls `cond` until it holds, failing the test after 10 s.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The trap kind of a reason, for assertions.
pub fn trap_kind(reason: &ExitReason) -> Option<grain::TrapKind> {
    reason.trap().map(|t| t.kind)
}
