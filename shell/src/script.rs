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
    // Give processes a moment to print, so their output lands after the command's.
    tokio::time::sleep(Duration::from_millis(20)).await;
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

fn push(out: &mut String, text: &str) {
    if !text.is_empty() {
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
}
