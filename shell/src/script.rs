//! Scripted mode: the same evaluator without a prompt, for `--script FILE` and piped stdin.
//! The output is a transcript — each line echoed after `grain> ` (continuation lines after
//! `....> `), then what it printed — so sessions can be compared with stored ones.

use std::time::Duration;

use grain_grammar::parse_line;

use crate::shell::Shell;

/// The prompt, as the REPL shows it.
pub const PROMPT: &str = "grain> ";
/// The prompt of a continuation line.
pub const MORE: &str = "....> ";

/// The inputs of a script, each with its echo in the transcript: a line that leaves a bracket
/// or quote open continues on the next (echoed after [`MORE`]); an unfinished last input
/// runs as it is.
pub fn inputs(text: &str) -> Vec<(String, String)> {
    let mut inputs = Vec::new();
    let (mut echo, mut pending) = (String::new(), String::new());
    for line in text.lines() {
        echo.push_str(if pending.is_empty() { PROMPT } else { MORE });
        echo.push_str(line);
        echo.push('\n');
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(line);
        if !parse_line(&pending).is_err_and(|e| e.incomplete) {
            inputs.push((std::mem::take(&mut echo), std::mem::take(&mut pending)));
        }
    }
    if !pending.is_empty() {
        inputs.push((echo, pending));
    }
    inputs
}

/// Runs every line of `text`; returns the transcript and how many lines failed.
pub async fn run(sh: &mut Shell, text: &str) -> (String, usize) {
    let mut out = String::new();
    let mut failures = 0;
    for (echo, input) in inputs(text) {
        out.push_str(&echo);
        if eval(sh, &input, &mut out, &mut failures).await {
            break;
        }
    }
    (out, failures)
}

/// Evaluates one input and appends what it printed; true when it asked to quit.
pub async fn eval(sh: &mut Shell, input: &str, out: &mut String, failures: &mut usize) -> bool {
    let result = sh.eval(input).await;
    settle(sh).await;
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

/// Waits until the runtime is quiet — no process running or starting, no new output, for a
/// few checks in a row — so what processes print lands after the command that caused it,
/// on a loaded machine too. Gives up after 2 s (a process may compute forever).
pub(crate) async fn settle(sh: &Shell) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    let mut quiet = 0;
    let mut last = sh.output.as_ref().map_or(0, |o| o.contents().len());
    while quiet < 4 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let now = sh.output.as_ref().map_or(0, |o| o.contents().len());
        let busy = sh.rt.processes().iter().any(|p| {
            matches!(
                p.stats().status(),
                grain::observe::Status::Running | grain::observe::Status::Starting
            )
        });
        quiet = if busy || now != last { 0 } else { quiet + 1 };
        last = now;
    }
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
