//! Lines, commands and arguments.

use nom::bytes::complete::take_while1;

use crate::ast::{Arg, Command, Line, Spanned};
use crate::cursor::{Cursor, Result, ident_char};
use crate::error::ParseError;
use crate::value::{A_VALUE, sequence, starts_value, unclosed, value};

/// File endings that make a bare token a path.
const PATH_ENDINGS: [&str; 4] = [".wasm", ".wat", ".grain", ".toml"];

/// Parses one line of shell input (which may span several physical lines inside brackets
/// or strings).
///
/// # Errors
/// A [`ParseError`] with the span of the fault; `incomplete` is set when the input ended
/// inside a bracket or a string.
pub fn parse_line(src: &str) -> std::result::Result<Line, ParseError> {
    let mut cur = Cursor { src, pos: 0 };
    cur.skip_ws();
    if cur.at_end() {
        return Ok(Line {
            binding: None,
            command: None,
            value: None,
        });
    }
    let binding = binding(&mut cur)?;
    cur.skip_ws();
    if cur.at_end() {
        return match binding {
            Some(_) => Err(
                ParseError::new(cur.pos..cur.pos, "`=` needs a command after it")
                    .expecting(&["a command"]),
            ),
            None => Ok(Line {
                binding: None,
                command: None,
                value: None,
            }),
        };
    }
    // `x = 5`, `x = [1, 2]`, `y = x`: a plain value (a name alone is a value only after
    // `=` when no command of that name could follow: `c = spawn ...` stays a command).
    if binding.is_some() && cur.peek().is_some_and(|c| starts_value(c, cur.peek2())) {
        let value = value(&mut cur)?;
        cur.skip_ws();
        if !cur.at_end() {
            return Err(cur.unexpected(&["the end of the line after the value"]));
        }
        return Ok(Line {
            binding,
            command: None,
            value: Some(value),
        });
    }
    let command = command(&mut cur)?;
    Ok(Line {
        binding,
        command: Some(command),
        value: None,
    })
}

/// `name =` at the start of a line.
fn binding(cur: &mut Cursor<'_>) -> Result<Option<Spanned<String>>> {
    let save = cur.pos;
    if cur.peek() == Some('=') {
        return Err(cur
            .error("a binding needs a name before `=`")
            .expecting(&["a name"]));
    }
    if let Some((name, span)) = cur.ident() {
        cur.skip_ws();
        if cur.peek() == Some('=') && cur.peek2() != Some('=') {
            cur.bump();
            return Ok(Some(Spanned { node: name, span }));
        }
    }
    cur.pos = save;
    Ok(None)
}

fn command(cur: &mut Cursor<'_>) -> Result<Command> {
    let start = cur.pos;
    let (name, span) = cur.ident().ok_or_else(|| cur.unexpected(&["a command"]))?;
    let mut args = Vec::new();
    loop {
        let before = cur.pos;
        cur.skip_ws();
        if cur.at_end() {
            break;
        }
        if cur.pos == before {
            return Err(cur.unexpected(&["a space"]));
        }
        // `--timeout 5s`: an amount after a flag without `=` is that flag's value, as
        // `--timeout=5s` is.
        let after_flag = matches!(
            args.last(),
            Some(Spanned {
                node: Arg::Flag { value: None, .. },
                ..
            })
        );
        let start = cur.pos;
        match amount(cur).filter(|_| after_flag) {
            Some(node) => args.push(Spanned {
                node,
                span: start..cur.pos,
            }),
            None => {
                cur.pos = start;
                args.push(arg(cur)?);
            }
        }
    }
    Ok(Command {
        name: Spanned { node: name, span },
        args,
        span: start..cur.pos,
    })
}

fn arg(cur: &mut Cursor<'_>) -> Result<Spanned<Arg>> {
    let start = cur.pos;
    let (c, c2) = (cur.peek(), cur.peek2());
    let node = if cur.starts_with("--") {
        flag(cur)?
    } else if cur.starts_with("./")
        || cur.starts_with("../")
        || cur.starts_with("/")
        || cur.starts_with("~/")
    {
        path(cur)
    } else if c.is_some_and(|c| c.is_ascii_digit())
        && cur.src[cur.pos..cur.token_end()].contains('/')
    {
        // `3/5s`: a bare token with a slash, not a number.
        path(cur)
    } else if c.is_some_and(|c| starts_value(c, c2)) {
        Arg::Value(value(cur)?.node)
    } else if let Some((word, _)) = cur.ident() {
        word_or_more(cur, start, word)?
    } else {
        return Err(cur.unexpected(&["an argument"]));
    };
    Ok(Spanned {
        node,
        span: start..cur.pos,
    })
}

/// After an identifier: a call (`m.f(...)`), a path (`dir/file.wat`), a boolean, or a word.
fn word_or_more(cur: &mut Cursor<'_>, start: usize, mut word: String) -> Result<Arg> {
    // `counter@2`: a module's version.
    if cur.peek() == Some('@') && cur.peek2().is_some_and(|c| c.is_ascii_digit()) {
        cur.bump();
        let digits: String = cur
            .rest()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        cur.pos += digits.len();
        word = format!("{word}@{digits}");
    }
    let token_end = cur.token_end();
    let token = &cur.src[start..token_end];
    if cur.peek() == Some('.') {
        let save = cur.pos;
        cur.bump();
        let function = if cur.peek() == Some('"') {
            match value(cur)?.node {
                crate::ast::Value::Str(s) => Some(s),
                _ => None,
            }
        } else {
            cur.ident().map(|(f, _)| f)
        };
        if let Some(function) = function.filter(|_| cur.peek() == Some('(')) {
            let open = cur.pos;
            let args = sequence(cur, ')').map_err(|e| {
                if e.incomplete {
                    unclosed(open, cur, ')')
                } else {
                    e
                }
            })?;
            return Ok(Arg::Call {
                module: word,
                function,
                args,
            });
        }
        cur.pos = save;
    }
    // `README.md`, `dir/file.wat`: a dotted token that is not a call is a file name.
    let dotted = token.contains('.') && !token.contains('(');
    if token.contains('/') || dotted || PATH_ENDINGS.iter().any(|e| token.ends_with(e)) {
        cur.pos = start;
        return Ok(path(cur));
    }
    if cur.pos < token_end && !cur.rest().starts_with(|c: char| c.is_whitespace()) {
        return Err(ParseError::new(
            cur.pos..token_end,
            format!(
                "unexpected {:?} after {word:?}",
                &cur.src[cur.pos..token_end]
            ),
        )
        .expecting(&["a space"]));
    }
    Ok(match word.as_str() {
        "true" => Arg::Value(crate::ast::Value::Bool(true)),
        "false" => Arg::Value(crate::ast::Value::Bool(false)),
        _ => Arg::Word(word),
    })
}

fn path(cur: &mut Cursor<'_>) -> Arg {
    let rest = cur.rest();
    let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let path = &rest[..len];
    cur.pos += len;
    Arg::Path(path.to_owned())
}

/// An amount with a unit after a flag's `=` (`--max-fuel=10M`, `--max-memory=2.5MiB`): digits,
/// `_` or `.`, then letters, then the end of the argument. It is a word; the command reads it.
fn amount(cur: &mut Cursor<'_>) -> Option<Arg> {
    let rest = cur.rest();
    let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let token = &rest[..len];
    let digits = token
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(len);
    let unit = &token[digits..];
    let is_amount = digits > 0
        && token.starts_with(|c: char| c.is_ascii_digit())
        && !unit.is_empty()
        // Type suffixes of the value syntax (`5i64`, `1.5f32`) have digits: they stay values,
        // as do radix prefixes (`0xff`).
        && unit.chars().all(|c| c.is_ascii_alphabetic())
        && !["0x", "0o", "0b"].iter().any(|p| token.starts_with(p));
    if !is_amount {
        return None;
    }
    cur.pos += len;
    Some(Arg::Word(token.to_owned()))
}

fn flag(cur: &mut Cursor<'_>) -> Result<Arg> {
    cur.pos += 2;
    let name = cur
        .lex(take_while1(ident_char))
        .ok_or_else(|| cur.unexpected(&["a flag name after --"]))?
        .to_owned();
    if !cur.eat('=') {
        return Ok(Arg::Flag { name, value: None });
    }
    let start = cur.pos;
    let (c, c2) = (cur.peek(), cur.peek2());
    let node = if let Some(amount) = amount(cur) {
        amount
    } else if c.is_some_and(|c| starts_value(c, c2)) {
        Arg::Value(value(cur)?.node)
    } else if let Some((word, _)) = cur.ident() {
        word_or_more(cur, start, word)?
    } else {
        return Err(cur.unexpected(&[A_VALUE, "a word"]));
    };
    Ok(Arg::Flag {
        name,
        value: Some(Box::new(Spanned {
            node,
            span: start..cur.pos,
        })),
    })
}
