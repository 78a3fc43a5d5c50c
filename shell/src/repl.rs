//! The interactive loop: rustyline with history, completion, hints, and continuation lines
//! for unfinished input.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use grain_grammar::parse_line;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};

use crate::script::{PROMPT, joined};
use crate::settle::Settle;
use crate::shell::Shell;

/// What completion can offer, refreshed before each prompt.
#[derive(Default, Clone)]
pub struct Completions {
    /// Command names.
    pub commands: Vec<String>,
    /// Live pids, as `<0.N>`.
    pub pids: Vec<String>,
    /// Registered names, as `#name`.
    pub names: Vec<String>,
    /// Loaded modules and their exported functions.
    pub modules: Vec<(String, Vec<String>)>,
    /// Bindings.
    pub bindings: Vec<String>,
}

impl Completions {
    /// Reads them off the shell.
    pub fn of(sh: &Shell) -> Self {
        Completions {
            commands: Shell::command_names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            pids: sh
                .rt
                .processes()
                .iter()
                .map(|p| p.pid().to_string())
                .collect(),
            names: sh
                .rt
                .registry()
                .list()
                .into_iter()
                .map(|(n, _)| format!("#{n}"))
                .collect(),
            modules: sh
                .rt
                .modules()
                .iter()
                .map(|m| {
                    (
                        m.name().to_owned(),
                        m.exports()
                            .into_iter()
                            .filter(|e| e.ty.starts_with("func"))
                            .map(|e| e.name)
                            .collect(),
                    )
                })
                .collect(),
            bindings: sh.bindings.keys().cloned().collect(),
        }
    }

    /// Candidates for the word `word`, which is the first word of the line if `first`.
    pub fn candidates(&self, word: &str, first: bool) -> Vec<String> {
        let pool: Vec<String> = if first {
            self.commands.clone()
        } else if word.starts_with('<') {
            self.pids.clone()
        } else if word.starts_with('#') {
            self.names.clone()
        } else if let Some((module, _)) = word.split_once('.') {
            self.modules
                .iter()
                .filter(|(m, _)| m == module)
                .flat_map(|(m, fs)| fs.iter().map(move |f| format!("{m}.{f}(")))
                .collect()
        } else {
            let mut pool: Vec<String> = self.modules.iter().map(|(m, _)| format!("{m}.")).collect();
            pool.extend(self.bindings.iter().cloned());
            pool.extend(
                [
                    "link",
                    "monitor",
                    "as",
                    "read",
                    "intensity",
                    "--json",
                    "--decode=",
                    "--sort=",
                    "--tag=",
                ]
                .map(String::from),
            );
            pool
        };
        let mut out: Vec<String> = pool.into_iter().filter(|c| c.starts_with(word)).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// rustyline's helper: completion, hints from history, and the validator.
pub struct ShellHelper {
    /// Shared with the loop, refreshed before each prompt.
    pub completions: Arc<Mutex<Completions>>,
    files: FilenameCompleter,
    hinter: HistoryHinter,
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| c.is_whitespace() || "(,[".contains(c))
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        if word.contains('/') || word.starts_with('.') || word.starts_with('~') {
            return self.files.complete(line, pos, ctx);
        }
        let first = line[..start].trim().is_empty() || line[..start].trim_end().ends_with('=');
        let data = self.completions.lock().unwrap_or_else(|e| e.into_inner());
        let pairs = data
            .candidates(word, first)
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: if first { format!("{c} ") } else { c },
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl Highlighter for ShellHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }

    /// The command name in bold; pids, names and references in cyan; strings in green.
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        Cow::Owned(highlight(line))
    }

    fn highlight_char(
        &self,
        _line: &str,
        _pos: usize,
        _kind: rustyline::highlight::CmdKind,
    ) -> bool {
        true
    }
}

/// Colours a line for the terminal (it is only ever shown, never parsed).
pub fn highlight(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    let mut chars = line.char_indices().peekable();
    let mut first_word = true;
    let token_end = |from: usize| {
        line[from..]
            .find(|c: char| c.is_whitespace() || ",)]}".contains(c))
            .map_or(line.len(), |e| from + e)
    };
    while let Some((i, c)) = chars.next() {
        let (end, color) = match c {
            '"' => {
                let mut end = line.len();
                let mut escaped = false;
                for (j, d) in line[i + 1..].char_indices() {
                    if d == '"' && !escaped {
                        end = i + 1 + j + 1;
                        break;
                    }
                    escaped = d == '\\' && !escaped;
                }
                (end, "32")
            }
            '<' | '#' | '$' => (token_end(i).max(i + 1), "36"),
            c if first_word && c.is_alphabetic() => {
                let end = token_end(i);
                let rest = line[end..].trim_start();
                if rest.starts_with('=') && !rest.starts_with("==") {
                    (end, "")
                } else {
                    first_word = false;
                    (end, "1")
                }
            }
            c => {
                out.push(c);
                continue;
            }
        };
        if color.is_empty() {
            out.push_str(&line[i..end]);
        } else {
            out.push_str(&format!("\x1b[{color}m{}\x1b[0m", &line[i..end]));
        }
        while chars.peek().is_some_and(|(j, _)| *j < end) {
            chars.next();
        }
    }
    out
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(match parse_line(ctx.input()) {
            Err(e) if e.incomplete => ValidationResult::Incomplete,
            _ => ValidationResult::Valid(None),
        })
    }
}

impl Helper for ShellHelper {}

/// Where the history is kept: `$GRAIN_HISTORY`, else `~/.grain_history`.
pub fn history_path() -> Option<PathBuf> {
    std::env::var_os("GRAIN_HISTORY")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".grain_history")))
}

/// Runs the interactive loop until `quit` or end of input.
///
/// # Errors
/// When the terminal cannot be used.
pub fn run(sh: &mut Shell, tokio: &tokio::runtime::Runtime) -> rustyline::Result<()> {
    let completions = Arc::new(Mutex::new(Completions::of(sh)));
    let helper = ShellHelper {
        completions: completions.clone(),
        files: FilenameCompleter::new(),
        hinter: HistoryHinter::new(),
    };
    let mut editor: Editor<ShellHelper, rustyline::history::DefaultHistory> = Editor::new()?;
    editor.set_helper(Some(helper));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "grain shell — the shell is process {}; `help` lists the commands, Ctrl-D leaves",
        sh.pid()
    );
    // Trace events print as they come while a command runs; at the prompt, with the line.
    let printer = crate::tracer::print_while_busy(sh.tracer.clone());
    let at_prompt = |yes: bool| printer.at_prompt(yes);
    loop {
        print!("{}", sh.pending());
        *completions.lock().unwrap_or_else(|e| e.into_inner()) = Completions::of(sh);
        // What was typed while the last command ran waits in the terminal, and what the
        // editor read beyond one line stays in its buffer (rustyline's `buffer-redux`):
        // every line comes in turn.
        at_prompt(true);
        let read = editor.readline(PROMPT);
        at_prompt(false);
        let line = match read {
            Ok(line) => line,
            Err(rustyline::error::ReadlineError::Interrupted) => continue,
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        };
        if line.trim().is_empty() {
            continue;
        }
        // Pasted text (and lines typed ahead while a command ran) may hold several
        // inputs: each runs in turn, as if typed one by one.
        let inputs: Vec<_> = joined(line.lines().map(str::to_owned))
            .filter(|(_, input)| !input.trim().is_empty())
            .collect();
        for (_, input) in &inputs {
            let _ = editor.add_history_entry(input.as_str());
        }
        if let Some(path) = &history {
            let _ = editor.save_history(path);
        }
        let several = inputs.len() > 1;
        for (echo, input) in inputs {
            if several {
                print!("{echo}");
            }
            if !eval_one(sh, tokio, &input) {
                return Ok(());
            }
            print!("{}", sh.pending());
        }
    }
    Ok(())
}

/// Evaluates one input and prints what it gave; false when it asked to quit. Ctrl-C
/// cancels a command that waits (`wait`, `receive`...) and comes back to the prompt.
fn eval_one(sh: &mut Shell, tokio: &tokio::runtime::Runtime, input: &str) -> bool {
    let evaluated = tokio.block_on(async {
        let run = async {
            let settle = Settle::before(sh);
            let result = sh.eval(input).await;
            // What the command's processes print lands under it, not after the next line.
            settle.wait(sh).await;
            result
        };
        tokio::select! {
            result = run => Some(result),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    match evaluated {
        None => println!("** interrupted: the command was cancelled"),
        Some(Ok(outcome)) => {
            if !outcome.text.is_empty() {
                println!("{}", outcome.text);
            }
            if outcome.quit {
                return false;
            }
        }
        Some(Err(e)) => println!("{}", e.render(input)),
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighting_marks_commands_references_and_strings_and_keeps_the_text() {
        let line = r#"p = send <0.3> "a \"b\"" #log $1 5"#;
        let colored = highlight(line);
        assert!(colored.contains("\x1b[1msend\x1b[0m"), "{colored}");
        assert!(colored.contains("\x1b[36m<0.3>\x1b[0m"));
        assert!(colored.contains("\x1b[32m\"a \\\"b\\\"\"\x1b[0m"));
        let plain: String = colored
            .replace("\x1b[1m", "")
            .replace("\x1b[36m", "")
            .replace("\x1b[32m", "")
            .replace("\x1b[0m", "");
        assert_eq!(plain, line);
    }

    #[test]
    fn completion_offers_what_fits_the_word() {
        let c = Completions {
            commands: vec!["spawn".into(), "send".into(), "ps".into()],
            pids: vec!["<0.1>".into(), "<0.12>".into()],
            names: vec!["#counter".into()],
            modules: vec![("counter".into(), vec!["counter".into(), "_start".into()])],
            bindings: vec!["c".into()],
        };
        assert_eq!(c.candidates("s", true), ["send", "spawn"]);
        assert_eq!(c.candidates("<0.1", false).len(), 2);
        assert_eq!(c.candidates("#c", false), ["#counter"]);
        assert_eq!(c.candidates("counter.c", false), ["counter.counter("]);
        assert!(c.candidates("co", false).contains(&"counter.".to_owned()));
    }
}
