//! `mailbox <pid> [--decode=TYPE] [--limit=N] [--summary]`: look at a process's queued
//! messages without taking them: the first N (20 unless told), or counts and bytes by sender
//! and tag (what fills a mailbox of a million messages).

use std::collections::BTreeMap;

use grain::message::Message;
use serde_json::json;

use super::args::{int, word};
use super::resolve::pid;
use super::{Args, Help, Reply};
use crate::decode::{decode, parse_type};
use crate::format;
use crate::shell::{Shell, ShellError};

pub const HELP: Help = Help {
    name: "mailbox",
    usage: "mailbox <pid> [--decode=TYPE] [--limit=N] [--summary]",
    summary: "peek at queued messages: the first 20 (--limit), or --summary by sender and tag; --decode=TYPE renders them",
    examples: &[
        "mailbox c",
        "mailbox c --decode=\"(u32, string)\"",
        "mailbox c --limit=5",
        "mailbox c --summary",
    ],
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

/// Messages shown unless `--limit` says otherwise.
const SHOWN: u64 = 20;

pub fn run(sh: &mut Shell, mut args: Args<'_>) -> Result<Reply, ShellError> {
    let arg = args.required("a pid")?;
    let target = pid(sh, arg)?;
    let decode = decoder(&mut args)?;
    let limit = match args.flag_value("limit") {
        Some(a) => int(a, "a number of messages")?,
        None => SHOWN,
    };
    let summary = args.flag("summary");
    args.finish()?;
    let p = sh
        .rt
        .process(target)
        .ok_or_else(|| ShellError::at(arg.span.clone(), format!("{target} is not alive")))?;
    if summary {
        return Ok(summarise(target, &p));
    }
    let (total, lines): (usize, Vec<String>) = p.peek_mailbox(|q| {
        let shown = q
            .iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|m| format::message(m, decode.as_deref()))
            .collect();
        (q.len(), shown)
    });
    let text = if total == 0 {
        format!("{target}: the mailbox is empty")
    } else {
        let mut out = format!("{target}: {total} message(s)");
        for (i, l) in lines.iter().enumerate() {
            out.push_str(&format!("\n  {}. {l}", i + 1));
        }
        if lines.len() < total {
            out.push_str(&format!(
                "\n  ... {} more (--limit=N shows more, --summary counts them)",
                total - lines.len()
            ));
        }
        out
    };
    Ok(Reply::with_json(
        text,
        json!({ "pid": target.id(), "total": total, "messages": lines }),
    ))
}

/// Counts and bytes of the queued messages by sender and kind (data by tag, link deaths,
/// downs), biggest first.
fn summarise(target: grain::Pid, p: &grain::Process) -> Reply {
    let mut groups: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    let total = p.peek_mailbox(|q| {
        for m in q {
            let (from, kind, bytes) = match m {
                Message::Data(d) => (
                    d.sender
                        .map_or_else(|| "the host".to_owned(), |p| p.to_string()),
                    d.tag
                        .map_or_else(|| "untagged".to_owned(), |t| format!("tag {t}")),
                    d.buffer.len() as u64,
                ),
                Message::LinkDied { pid, .. } => (pid.to_string(), "link died".to_owned(), 0),
                Message::ProcessDied { pid, .. } => (pid.to_string(), "down".to_owned(), 0),
            };
            let group = groups.entry((from, kind)).or_default();
            group.0 += 1;
            group.1 += bytes;
        }
        q.len()
    });
    let mut rows: Vec<_> = groups.into_iter().collect();
    rows.sort_by_key(|(key, (n, _))| (std::cmp::Reverse(*n), key.clone()));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|((from, kind), (n, bytes))| {
            vec![
                from.clone(),
                kind.clone(),
                n.to_string(),
                format::size(*bytes),
            ]
        })
        .collect();
    let text = if total == 0 {
        format!("{target}: the mailbox is empty")
    } else {
        format!(
            "{target}: {total} message(s)\n{}",
            format::table(&["FROM", "KIND", "MESSAGES", "BYTES"], &cells)
        )
    };
    let groups: Vec<_> = rows
        .iter()
        .map(|((from, kind), (n, bytes))| {
            json!({ "from": from, "kind": kind, "messages": n, "bytes": bytes })
        })
        .collect();
    Reply::with_json(
        text,
        json!({ "pid": target.id(), "total": total, "groups": groups }),
    )
}
