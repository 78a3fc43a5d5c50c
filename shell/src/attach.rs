//! `grain shell --attach`: a shell session on another node, as Erlang's remote shell. Every
//! line is evaluated there, in a session of its own; the transcript looks like a local one.

use grain_grammar::parse_line;

use crate::control::{Client, Endpoint};
use crate::observer::{RemoteNode, watch};
use crate::script::{MORE, joined, push};

/// Runs `lines` on the node, handing each line's part of the transcript to `emit` as soon
/// as the node answered; stops when `emit` says the reader is gone. Returns how many lines
/// failed; a lost connection ends the transcript with the error, counted as a failure.
pub fn script_streaming(
    client: &mut Client,
    lines: impl IntoIterator<Item = String>,
    mut emit: impl FnMut(&str) -> bool,
) -> usize {
    let mut failures = 0;
    for (echo, input) in joined(lines) {
        let mut out = if client.json { String::new() } else { echo };
        let (text, ok, quit) = match client.eval(&input) {
            Ok(reply) => reply,
            Err(e) if client.json => {
                push(
                    &mut out,
                    &serde_json::json!({ "error": e.to_string() }).to_string(),
                );
                emit(&out);
                return failures + 1;
            }
            Err(e) => {
                out.push_str(&format!("error: {e}\n"));
                emit(&out);
                return failures + 1;
            }
        };
        failures += usize::from(!ok);
        push(&mut out, &text);
        if !emit(&out) || quit {
            break;
        }
    }
    failures
}

/// The interactive loop: a prompt naming the node, history in memory. `observe` opens the
/// observer on the node, here (the session's own terminal, not the node's).
///
/// # Errors
/// When the terminal or the connection fails.
pub fn repl(client: &mut Client, endpoint: &Endpoint, token: Option<String>) -> Result<(), String> {
    let mut editor = rustyline::DefaultEditor::new().map_err(|e| e.to_string())?;
    let prompt = format!("grain@{}> ", client.node);
    println!(
        "attached to {} ({}); `quit` or Ctrl-D detaches, the node keeps running",
        client.node,
        if client.changes {
            "full access"
        } else {
            "look only"
        }
    );
    let mut pending = String::new();
    loop {
        let shown = if pending.is_empty() {
            prompt.as_str()
        } else {
            MORE
        };
        let line = match editor.readline(shown) {
            Ok(line) => line,
            Err(rustyline::error::ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(_) => return Ok(()),
        };
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if parse_line(&pending).is_err_and(|e| e.incomplete) {
            continue;
        }
        let input = std::mem::take(&mut pending);
        let _ = editor.add_history_entry(input.as_str());
        if input.trim() == "observe" {
            let watched = RemoteNode::attach(endpoint, token.clone())
                .map_err(|e| e.to_string())
                .and_then(|mut node| {
                    let title = node.name().to_owned();
                    watch(&mut node, &title, None).map_err(|e| e.to_string())
                });
            if let Err(e) = watched {
                println!("error: the observer failed: {e}");
            }
            continue;
        }
        let (text, _, quit) = client.eval(&input).map_err(|e| e.to_string())?;
        if !text.is_empty() {
            println!("{}", text.trim_end_matches('\n'));
        }
        if quit {
            return Ok(());
        }
    }
}
