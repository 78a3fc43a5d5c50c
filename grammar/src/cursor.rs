//! A cursor over the line: positions for spans, whitespace and comments, and nom for the
//! lexemes.

use nom::Parser;
use nom::bytes::complete::take_while1;

use crate::ast::Span;
use crate::error::ParseError;

pub(crate) type Result<T> = std::result::Result<T, ParseError>;

pub(crate) struct Cursor<'a> {
    pub src: &'a str,
    pub pos: usize,
}

/// Characters of identifiers.
pub(crate) fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl<'a> Cursor<'a> {
    pub fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    pub fn starts_with(&self, s: &str) -> bool {
        self.rest().starts_with(s)
    }

    /// Skips whitespace (newlines included) and comments: `//`, and `#` followed by a
    /// space or the end of the line (`#name` is a registered name).
    pub fn skip_ws(&mut self) {
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.src.len() - trimmed.len();
            let hash_comment = trimmed.starts_with('#')
                && trimmed[1..].chars().next().is_none_or(char::is_whitespace);
            if trimmed.starts_with("//") || hash_comment {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                break;
            }
        }
    }

    /// Runs a nom parser at the cursor; on success advances and returns the output.
    pub fn lex<O>(
        &mut self,
        mut parser: impl Parser<&'a str, Output = O, Error = nom::error::Error<&'a str>>,
    ) -> Option<O> {
        let (rest, out) = parser.parse(self.rest()).ok()?;
        self.pos = self.src.len() - rest.len();
        Some(out)
    }

    /// An identifier (letters, digits, `_`, `-`; not starting with a digit or `-`).
    pub fn ident(&mut self) -> Option<(String, Span)> {
        let c = self.peek()?;
        if !(c.is_alphabetic() || c == '_') {
            return None;
        }
        let start = self.pos;
        let ident = self.lex(take_while1(ident_char))?;
        Some((ident.to_owned(), start..self.pos))
    }

    /// The bare token from here to the next whitespace or bracket.
    pub fn token_end(&self) -> usize {
        let rest = self.rest();
        self.pos
            + rest
                .find(|c: char| c.is_whitespace() || "()[]{},".contains(c))
                .unwrap_or(rest.len())
    }

    /// An error at the cursor.
    pub fn error(&self, message: impl Into<String>) -> ParseError {
        let end = self.pos + self.peek().map_or(0, char::len_utf8);
        ParseError::new(self.pos..end, message)
    }

    /// An "unexpected ..." error at the cursor, or an incomplete-input error at the end.
    pub fn unexpected(&self, expected: &[&str]) -> ParseError {
        match self.peek() {
            None => {
                ParseError::new(self.pos..self.pos, "unexpected end of input").expecting(expected)
            }
            Some(c) => self.error(format!("unexpected {c:?}")).expecting(expected),
        }
    }
}
