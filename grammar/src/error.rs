//! Parse errors, with a span, what was expected there, and a caret rendering.

use std::fmt;

use crate::ast::Span;

/// Why a line does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// What would have been valid there.
    pub expected: Vec<String>,
    /// The input ended inside a bracket or a string: more lines may complete it.
    pub incomplete: bool,
}

impl ParseError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        ParseError {
            span,
            message: message.into(),
            expected: Vec::new(),
            incomplete: false,
        }
    }

    pub(crate) fn expecting(mut self, expected: &[&str]) -> Self {
        self.expected = expected.iter().map(|s| s.to_string()).collect();
        self
    }

    pub(crate) fn incomplete(mut self) -> Self {
        self.incomplete = true;
        self
    }

    /// The offending line of `source`, a caret line under the fault, and the message.
    pub fn render(&self, source: &str) -> String {
        let start = self.span.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = &source[line_start..line_end];
        let column = source[line_start..start].chars().count();
        let end = self.span.end.clamp(start, line_end);
        let width = source[start..end].chars().count().max(1);
        let mut out = format!(
            "{line}\n{}{}\nerror: {}",
            " ".repeat(column),
            "^".repeat(width),
            self.message
        );
        if !self.expected.is_empty() {
            out.push_str(&format!(", expected {}", self.expected.join(" or ")));
        }
        out
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}..{}",
            self.message, self.span.start, self.span.end
        )?;
        if !self.expected.is_empty() {
            write!(f, ", expected {}", self.expected.join(" or "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}
