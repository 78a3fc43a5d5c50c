//! Values: numbers with type suffixes, strings and bytes with escapes, pids, names,
//! result references, tuples, lists and maps.

use nom::bytes::complete::take_while1;

use crate::ast::{FloatType, IntType, Spanned, Value};
use crate::cursor::{Cursor, Result, ident_char};
use crate::error::ParseError;
use crate::strings::quoted;

/// What a value may start with, for error messages.
pub(crate) const A_VALUE: &str = "a value";

/// Can a value start with `c` (given the next char `c2`)?
pub(crate) fn starts_value(c: char, c2: Option<char>) -> bool {
    c.is_ascii_digit()
        || "\"<#$([{".contains(c)
        || ((c == '-' || c == '+') && c2.is_some_and(|d| d.is_ascii_digit()))
        || (c == 'b' && c2 == Some('"'))
}

pub(crate) fn value(cur: &mut Cursor<'_>) -> Result<Spanned<Value>> {
    let start = cur.pos;
    let node = match (cur.peek(), cur.peek2()) {
        (Some('b'), Some('"')) => {
            cur.bump();
            Value::Bytes(quoted(cur, true)?.1)
        }
        (Some('"'), _) => {
            let (text, _) = quoted(cur, false)?;
            Value::Str(text)
        }
        (Some('<'), _) => pid(cur)?,
        (Some('#'), _) => {
            cur.bump();
            let name = cur
                .lex(take_while1(|c: char| ident_char(c) || "/.".contains(c)))
                .ok_or_else(|| cur.unexpected(&["a registered name after #"]))?;
            Value::Name(name.to_owned())
        }
        (Some('$'), _) => {
            cur.bump();
            if let Some(digits) = cur.lex(take_while1(|c: char| c.is_ascii_digit())) {
                let n = digits
                    .parse()
                    .map_err(|_| ParseError::new(start..cur.pos, "result number too large"))?;
                Value::Result(n)
            } else {
                let (name, _) = cur.ident().ok_or_else(|| {
                    cur.unexpected(&["a result number or a binding name after $"])
                })?;
                Value::Var(name)
            }
        }
        (Some('('), _) => return tuple(cur),
        (Some('['), _) => Value::List(sequence(cur, ']')?),
        (Some('{'), _) => map(cur)?,
        (Some(c), c2)
            if c.is_ascii_digit()
                || ((c == '-' || c == '+') && c2.is_some_and(|d| d.is_ascii_digit())) =>
        {
            number(cur)?
        }
        _ => {
            if let Some((word, span)) = cur.ident() {
                match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    // A bare name stands for the binding of that name (`$name`).
                    _ => {
                        let _ = span;
                        Value::Var(word)
                    }
                }
            } else {
                return Err(cur.unexpected(&[A_VALUE]));
            }
        }
    };
    Ok(Spanned {
        node,
        span: start..cur.pos,
    })
}

fn pid(cur: &mut Cursor<'_>) -> Result<Value> {
    let start = cur.pos;
    cur.bump();
    let part = |cur: &mut Cursor<'_>| -> Result<u64> {
        let digits = cur
            .lex(take_while1(|c: char| c.is_ascii_digit()))
            .ok_or_else(|| cur.unexpected(&["a pid like <0.12>"]))?;
        digits
            .parse()
            .map_err(|_| ParseError::new(start..cur.pos, "pid number too large"))
    };
    let node = part(cur)?;
    if !cur.eat('.') {
        return Err(cur.unexpected(&["'.'"]));
    }
    let id = part(cur)?;
    if !cur.eat('>') {
        return Err(cur.unexpected(&["'>'"]));
    }
    Ok(Value::Pid { node, id })
}

/// Digits with `_` separators in `radix`, then an optional suffix.
fn number(cur: &mut Cursor<'_>) -> Result<Value> {
    let start = cur.pos;
    let negative = cur.peek() == Some('-');
    if cur.peek() == Some('-') || cur.peek() == Some('+') {
        cur.bump();
    }
    let radix = if cur.starts_with("0x") {
        16
    } else if cur.starts_with("0b") {
        2
    } else {
        10
    };
    if radix != 10 {
        cur.pos += 2;
    }
    let digits_start = cur.pos;
    let digits = cur
        .lex(take_while1(|c: char| c.is_digit(radix) || c == '_'))
        .unwrap_or("")
        .replace('_', "");
    if digits.is_empty() {
        return Err(cur.unexpected(&["digits"]));
    }
    let mut float = false;
    if radix == 10 && cur.peek() == Some('.') && cur.peek2().is_some_and(|c| c.is_ascii_digit()) {
        float = true;
        cur.bump();
        cur.lex(take_while1(|c: char| c.is_ascii_digit() || c == '_'));
    }
    if radix == 10 && (cur.peek() == Some('e') || cur.peek() == Some('E')) {
        let save = cur.pos;
        cur.bump();
        if !cur.eat('-') {
            cur.eat('+');
        }
        if cur.lex(take_while1(|c: char| c.is_ascii_digit())).is_some() {
            float = true;
        } else {
            cur.pos = save;
        }
    }
    let text = cur.src[digits_start..cur.pos].replace('_', "");
    let suffix_start = cur.pos;
    let suffix = cur
        .lex(take_while1(|c: char| c.is_alphanumeric()))
        .unwrap_or("");
    let suffix_span = suffix_start..cur.pos;
    if float || suffix.starts_with('f') {
        let ty = match suffix {
            "" => None,
            "f32" => Some(FloatType::F32),
            "f64" => Some(FloatType::F64),
            other => {
                return Err(
                    ParseError::new(suffix_span, format!("unknown suffix {other:?}"))
                        .expecting(&["f32", "f64"]),
                );
            }
        };
        if radix != 10 {
            return Err(ParseError::new(start..cur.pos, "a float must be decimal"));
        }
        let value: f64 = text
            .parse()
            .map_err(|_| ParseError::new(start..cur.pos, "not a number"))?;
        return Ok(Value::Float {
            value: if negative { -value } else { value },
            ty,
        });
    }
    let ty = match suffix {
        "" => None,
        s => Some(
            IntType::ALL
                .iter()
                .find(|(_, n)| *n == s)
                .map(|(t, _)| *t)
                .ok_or_else(|| {
                    ParseError::new(suffix_span, format!("unknown suffix {s:?}")).expecting(&[
                        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64",
                    ])
                })?,
        ),
    };
    let magnitude = i128::from_str_radix(&text, radix)
        .map_err(|_| ParseError::new(start..cur.pos, "integer too large"))?;
    let value = if negative { -magnitude } else { magnitude };
    let (lo, hi) = ty.unwrap_or(IntType::I64).range();
    let (lo, hi) = if ty.is_none() {
        (i128::from(i64::MIN), i128::from(u64::MAX))
    } else {
        (lo, hi)
    };
    if value < lo || value > hi {
        let name = ty.map_or("a 64-bit integer", IntType::suffix);
        return Err(ParseError::new(
            start..cur.pos,
            format!("{value} does not fit in {name}"),
        ));
    }
    Ok(Value::Int { value, ty })
}

/// `open value, value, ... close` with an optional trailing comma.
pub(crate) fn sequence(cur: &mut Cursor<'_>, close: char) -> Result<Vec<Spanned<Value>>> {
    let start = cur.pos;
    cur.bump();
    let mut items = Vec::new();
    loop {
        cur.skip_ws();
        if cur.eat(close) {
            return Ok(items);
        }
        if cur.at_end() {
            return Err(unclosed(start, cur, close));
        }
        items.push(value(cur)?);
        cur.skip_ws();
        if cur.eat(close) {
            return Ok(items);
        }
        if cur.at_end() {
            return Err(unclosed(start, cur, close));
        }
        if !cur.eat(',') {
            return Err(cur.unexpected(&["','", &format!("'{close}'")]));
        }
    }
}

pub(crate) fn unclosed(start: usize, cur: &Cursor<'_>, close: char) -> ParseError {
    let open = cur.src[start..].chars().next().unwrap_or('(');
    ParseError::new(start..start + open.len_utf8(), format!("unclosed '{open}'"))
        .expecting(&[&format!("'{close}'")])
        .incomplete()
}

fn tuple(cur: &mut Cursor<'_>) -> Result<Spanned<Value>> {
    let start = cur.pos;
    let trailing_comma = {
        let mut probe = Cursor {
            src: cur.src,
            pos: cur.pos,
        };
        let items = sequence(&mut probe, ')')?;
        let inner = cur.src[start + 1..probe.pos - 1].trim_end();
        let comma = inner.ends_with(',');
        *cur = probe;
        (items, comma)
    };
    let (mut items, comma) = trailing_comma;
    let span = start..cur.pos;
    Ok(match items.len() {
        0 => Spanned {
            node: Value::Unit,
            span,
        },
        1 if !comma => {
            let item = items.remove(0);
            Spanned {
                node: item.node,
                span,
            }
        }
        _ => Spanned {
            node: Value::Tuple(items),
            span,
        },
    })
}

fn map(cur: &mut Cursor<'_>) -> Result<Value> {
    let start = cur.pos;
    cur.bump();
    let mut entries = Vec::new();
    loop {
        cur.skip_ws();
        if cur.eat('}') {
            return Ok(Value::Map(entries));
        }
        if cur.at_end() {
            return Err(unclosed(start, cur, '}'));
        }
        let key = match cur.peek() {
            Some(c)
                if (c.is_alphabetic() || c == '_') && !(c == 'b' && cur.peek2() == Some('"')) =>
            {
                let (word, span) = cur.ident().expect("starts an identifier");
                let node = match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::Str(word),
                };
                Spanned { node, span }
            }
            _ => value(cur)?,
        };
        cur.skip_ws();
        if !cur.eat(':') {
            return Err(if cur.at_end() {
                unclosed(start, cur, '}')
            } else {
                cur.unexpected(&["':'"])
            });
        }
        cur.skip_ws();
        if cur.at_end() {
            return Err(unclosed(start, cur, '}'));
        }
        let value = value(cur)?;
        entries.push((key, value));
        cur.skip_ws();
        if cur.eat('}') {
            return Ok(Value::Map(entries));
        }
        if cur.at_end() {
            return Err(unclosed(start, cur, '}'));
        }
        if !cur.eat(',') {
            return Err(cur.unexpected(&["','", "'}'"]));
        }
    }
}
