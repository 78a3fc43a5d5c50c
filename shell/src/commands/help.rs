//! `help [command]`: what the commands do, with examples.

use serde_json::json;

use super::args::word;
use super::{Args, HELP as ALL, Help, Reply};
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "help",
    usage: "help [COMMAND]",
    summary: "list the commands, or show one command's usage and examples",
    examples: &["help", "help spawn"],
};

pub fn run(_: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let topic = args.positional();
    args.finish()?;
    let Some(topic) = topic else {
        let width = ALL.iter().map(|h| h.name.len()).max().unwrap_or(0);
        let mut text = String::from("commands (help COMMAND for details):");
        for h in ALL {
            text.push_str(&format!("\n  {:<width$}  {}", h.name, h.summary));
        }
        text.push_str("\nvalues: 5 5u32 -1i64 2.5 \"text\" b\"bytes\" <0.3> self #name $1 binding (a, b) [a, b] {k: v}; x = VALUE binds one");
        return Ok(Reply::with_json(
            text,
            json!(ALL.iter().map(|h| h.name).collect::<Vec<_>>()),
        ));
    };
    let name = word(topic, "a command")?;
    let h = ALL
        .iter()
        .find(|h| h.name == name)
        .ok_or_else(|| ShellError::at(topic.span.clone(), format!("no command `{name}`")))?;
    let mut text = format!("{}\n  {}", h.usage, h.summary);
    if !h.examples.is_empty() {
        text.push_str("\nexamples:");
        for e in h.examples {
            text.push_str(&format!("\n  {e}"));
        }
    }
    Ok(Reply::with_json(
        text,
        json!({ "usage": h.usage, "summary": h.summary, "examples": h.examples }),
    ))
}
