//! Scripted mode: the same evaluator without a prompt, for `--script FILE` and piped stdin.
//! The output is a transcript — each line echoed after `grain> ` (continuation lines after
//! `....> `), then what it printed — so sessions can be compared with stored ones.

use grain_grammar::parse_line;

use crate::settle::Settle;
use crate::shell::Shell;

/// The prompt, as the REPL shows it.
pub const PROMPT: &str = "grain> ";
/// The prompt of a continuation line.
pub const MORE: &str = "....> ";

/// The inputs of a script, each with its echo in the transcript: a line that leaves a bracket
/// or quote open continues on the next (echoed after [`MORE`]); an unfinished last input
/// runs as it is.
pub fn inputs(text: &str) -> Vec<(String, String)> {
    joined(text.lines().map(str::to_owned)).collect()
}

/// The inputs of `lines`, each with its echo, taken from `lines` only as they are needed
/// (see [`Joiner`]).
pub fn joined(lines: impl IntoIterator<Item = String>) -> impl Iterator<Item = (String, String)> {
    let mut lines = lines.into_iter();
    let mut joiner = Some(Joiner::default());
    std::iter::from_fn(move || {
        loop {
            let j = joiner.as_mut()?;
            match lines.next() {
                Some(line) => {
                    if let Some(input) = j.line(&line) {
                        return Some(input);
                    }
                }
                None => return joiner.take()?.finish(),
            }
        }
    })
}

/// Joins physical lines into inputs as they come (a line that leaves a bracket or quote
/// open continues on the next), each with its echo in the transcript.
#[derive(Debug, Default)]
pub struct Joiner {
    echo: String,
    pending: String,
}

impl Joiner {
    /// Takes one physical line; the input and its echo once it is complete.
    pub fn line(&mut self, line: &str) -> Option<(String, String)> {
        self.echo.push_str(if self.pending.is_empty() {
            PROMPT
        } else {
            MORE
        });
        self.echo.push_str(line);
        self.echo.push('\n');
        if !self.pending.is_empty() {
            self.pending.push('\n');
        }
        self.pending.push_str(line);
        if parse_line(&self.pending).is_err_and(|e| e.incomplete) {
            return None;
        }
        Some((
            std::mem::take(&mut self.echo),
            std::mem::take(&mut self.pending),
        ))
    }

    /// The unfinished last input, if any (it runs as it is).
    pub fn finish(self) -> Option<(String, String)> {
        (!self.pending.is_empty()).then_some((self.echo, self.pending))
    }
}

/// Runs every line of `text`; returns the transcript and how many lines failed.
pub async fn run(sh: &mut Shell, text: &str) -> (String, usize) {
    let mut out = String::new();
    let lines = text.lines().map(str::to_owned);
    let failures = run_streaming(sh, lines, |part| {
        out.push_str(part);
        true
    })
    .await;
    (out, failures)
}

/// Runs `lines` as they come (a line is read only when the one before is done, so a slow
/// pipe is answered line by line), handing each input's part of the transcript to `emit`
/// as soon as it is done; stops when `emit` says the reader is gone. Returns how many
/// inputs failed.
pub async fn run_streaming(
    sh: &mut Shell,
    lines: impl IntoIterator<Item = String>,
    mut emit: impl FnMut(&str) -> bool,
) -> usize {
    let mut failures = 0;
    for (echo, input) in joined(lines) {
        // In `--json` mode stdout carries only JSON values: no echo.
        let mut out = if sh.json { String::new() } else { echo };
        let quit = eval(sh, &input, &mut out, &mut failures).await;
        if !emit(&out) || quit {
            break;
        }
    }
    failures
}

/// Evaluates one input and appends what it printed; true when it asked to quit.
pub async fn eval(sh: &mut Shell, input: &str, out: &mut String, failures: &mut usize) -> bool {
    let settle = Settle::before(sh);
    let result = sh.eval(input).await;
    settle.wait(sh).await;
    if sh.json {
        return json(sh, input, result, out, failures);
    }
    let quit = match result {
        Ok(outcome) => {
            push(out, &outcome.text);
            outcome.quit
        }
        Err(e) => {
            *failures += 1;
            push(out, &e.render(input));
            false
        }
    };
    let pending = sh.pending();
    out.push_str(&pending);
    quit
}

/// [`eval`]'s transcript in `--json` mode: one JSON value per line — the command's result,
/// or `{"error", "input", "column"}` (the column, from 1, of the fault), then
/// `{"notice"}`s, `{"output"}` (what processes wrote) and `{"trace"}` events as they
/// happened.
fn json(
    sh: &mut Shell,
    input: &str,
    result: Result<crate::shell::Outcome, crate::ShellError>,
    out: &mut String,
    failures: &mut usize,
) -> bool {
    let line = |out: &mut String, value: serde_json::Value| push(out, &value.to_string());
    let quit = match result {
        Ok(outcome) => {
            if !outcome.text.is_empty() {
                push(out, &outcome.text);
            }
            outcome.quit
        }
        Err(e) => {
            *failures += 1;
            let column = e
                .span
                .as_ref()
                .map(|s| input[..s.start.min(input.len())].chars().count() + 1);
            line(
                out,
                serde_json::json!({ "error": e.message, "input": input, "column": column }),
            );
            false
        }
    };
    let pending = sh.pending_parts();
    for notice in pending.own.into_iter().chain(pending.notices) {
        line(out, serde_json::json!({ "notice": notice }));
    }
    if !pending.output.is_empty() {
        line(out, serde_json::json!({ "output": pending.output }));
    }
    for t in pending.trace {
        line(out, t.json);
    }
    quit
}

/// Writes each part of a transcript to stdout at once; false when stdout is closed (a
/// reader such as `head` went away), so the caller stops quietly.
pub fn to_stdout(part: &str) -> bool {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(part.as_bytes())
        .and_then(|()| stdout.flush())
        .is_ok()
}

/// Appends `text` to a transcript, ending it with a newline.
pub(crate) fn push(out: &mut String, text: &str) {
    if !text.is_empty() {
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
}
