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

/// Runs every line of `text`; returns the transcript and how many lines failed.
pub async fn run(sh: &mut Shell, text: &str) -> (String, usize) {
    let mut out = String::new();
    let mut failures = 0;
    let mut pending = String::new();
    for line in text.lines() {
        if pending.is_empty() {
            out.push_str(&format!("{PROMPT}{line}\n"));
            pending.push_str(line);
        } else {
            out.push_str(&format!("{MORE}{line}\n"));
            pending.push('\n');
            pending.push_str(line);
        }
        if parse_line(&pending).is_err_and(|e| e.incomplete) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        let quit = eval(sh, &input, &mut out, &mut failures).await;
        if quit {
            return (out, failures);
        }
    }
    if !pending.is_empty() {
        eval(sh, &pending, &mut out, &mut failures).await;
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

fn push(out: &mut String, text: &str) {
    if !text.is_empty() {
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
}
