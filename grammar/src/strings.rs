//! Quoted strings and byte strings, with their escapes.

use nom::bytes::complete::take_while1;

use crate::cursor::{Cursor, Result};
use crate::error::ParseError;

/// A quoted string (or bytes, after the `b`): returns the text and the bytes.
pub(crate) fn quoted(cur: &mut Cursor<'_>, bytes: bool) -> Result<(String, Vec<u8>)> {
    let open = cur.pos;
    cur.bump();
    let mut out = Vec::new();
    loop {
        let Some(c) = cur.bump() else {
            let what = if bytes { "byte string" } else { "string" };
            return Err(
                ParseError::new(open..cur.pos, format!("unterminated {what}"))
                    .expecting(&["'\"'"])
                    .incomplete(),
            );
        };
        match c {
            '"' => break,
            '\\' => escape(cur, bytes, &mut out)?,
            c if bytes && !c.is_ascii() => {
                return Err(ParseError::new(
                    cur.pos - c.len_utf8()..cur.pos,
                    "non-ASCII character in a byte string",
                )
                .expecting(&["\\xNN"]));
            }
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    let text = if bytes {
        String::new()
    } else {
        String::from_utf8(out.clone()).map_err(|_| cur.error("invalid UTF-8"))?
    };
    Ok((text, out))
}

fn escape(cur: &mut Cursor<'_>, bytes: bool, out: &mut Vec<u8>) -> Result<()> {
    let at = cur.pos - 1;
    let bad = |cur: &Cursor<'_>, msg: &str| {
        ParseError::new(at..cur.pos, msg.to_owned()).expecting(&[
            "\\n", "\\t", "\\r", "\\0", "\\\\", "\\\"", "\\xNN", "\\u{N}",
        ])
    };
    match cur.bump() {
        Some('n') => out.push(b'\n'),
        Some('t') => out.push(b'\t'),
        Some('r') => out.push(b'\r'),
        Some('0') => out.push(0),
        Some('\\') => out.push(b'\\'),
        Some('"') => out.push(b'"'),
        Some('\'') => out.push(b'\''),
        Some('x') => {
            let hex = cur
                .rest()
                .get(..2)
                .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
            let Some(hex) = hex else {
                return Err(bad(cur, "\\x needs two hex digits"));
            };
            let byte = u8::from_str_radix(hex, 16).expect("two hex digits");
            if !bytes && byte > 0x7f {
                cur.pos += 2;
                return Err(bad(cur, "\\x above 7f in a string (use \\u{...})"));
            }
            cur.pos += 2;
            out.push(byte);
        }
        Some('u') if !bytes && cur.eat('{') => {
            let hex = cur
                .lex(take_while1(|c: char| c.is_ascii_hexdigit()))
                .unwrap_or("");
            let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
            if !cur.eat('}') || ch.is_none() {
                return Err(bad(cur, "bad \\u{...} escape"));
            }
            out.extend_from_slice(ch.expect("checked").encode_utf8(&mut [0; 4]).as_bytes());
        }
        None => return Err(ParseError::new(at..cur.pos, "unterminated string").incomplete()),
        Some(_) => return Err(bad(cur, "unknown escape")),
    }
    Ok(())
}
