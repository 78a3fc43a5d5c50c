//! `mailbox <pid> [--decode=TYPE]`: look at a process's queued messages without taking them.

use serde_json::json;

use super::args::word;
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::decode::{decode, parse_type};
use crate::format;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "mailbox",
    usage: "mailbox <pid> [--decode=TYPE]",
    summary: "peek at a process's queued messages (TYPE: u32, string, \"(u32, string)\", \"[u8]\", json...)",
    examples: &["mailbox c", "mailbox c --decode=\"(u32, string)\""],
};

/// Renders a message body.
pub type Decoder = Box<dyn Fn(&[u8]) -> String + Send + Sync>;

/// `--decode=TYPE` as a function from a body to its rendering.
pub fn decoder(args: &mut Args<'_>) -> Result<Option<Decoder>, ShellError> {
    let Some(arg) = args.flag_value("decode") else {
        return Ok(None);
    };
    let ty = parse_type(&word(arg, "a type")?).map_err(|e| ShellError::at(arg.span.clone(), e))?;
    Ok(Some(Box::new(move |bytes: &[u8]| {
        match decode(bytes, &ty) {
            Ok(v) => v.to_string(),
            Err(e) => format!(
                "{} bytes {} (not decodable: {e})",
                bytes.len(),
                format::bytes(bytes)
            ),
        }
    })))
}

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    let decode = decoder(&mut args)?;
    args.finish()?;
    let p = sh
        .rt
        .process(target)
        .ok_or_else(|| ShellError::at(arg.span.clone(), format!("{target} is not alive")))?;
    let lines: Vec<String> = p.peek_mailbox(|q| {
        q.iter()
            .map(|m| format::message(m, decode.as_deref()))
            .collect()
    });
    let text = if lines.is_empty() {
        format!("{target}: the mailbox is empty")
    } else {
        let mut out = format!("{target}: {} message(s)", lines.len());
        for (i, l) in lines.iter().enumerate() {
            out.push_str(&format!("\n  {}. {l}", i + 1));
        }
        out
    };
    Ok(Reply::with_json(
        text,
        json!({ "pid": target.id(), "messages": lines }),
    ))
}
