//! The command language of the grain shell.
//!
//! One line of input becomes a [`Line`]: an optional binding (`p = ...`) and a
//! [`Command`] — a name and arguments, each with its byte span, so the shell can put a
//! caret under whatever it rejects. The grammar knows no command names; the shell validates
//! arguments itself. The written grammar is in the book (`reference/grammar.md`), kept in
//! sync with [`PRODUCTIONS`] by a test.
//!
//! ```
//! use grain_grammar::{Arg, Value, parse_line};
//!
//! let line = parse_line("p = spawn hello.main(5u32) link").unwrap();
//! assert_eq!(line.binding.unwrap().node, "p");
//! let command = line.command.unwrap();
//! assert_eq!(command.name.node, "spawn");
//! assert!(matches!(&command.args[0].node, Arg::Call { module, .. } if module == "hello"));
//! assert_eq!(command.args[1].node, Arg::Word("link".into()));
//!
//! let err = parse_line("send <0.3> [1, 2").unwrap_err();
//! assert!(err.incomplete);
//! ```

mod ast;
mod cursor;
mod error;
mod parse;
mod strings;
mod value;

pub use ast::{Arg, Command, FloatType, IntType, Line, Span, Spanned, Value};
pub use error::ParseError;
pub use parse::parse_line;

/// The nonterminals of the written grammar (book/src/reference/grammar.md), in order.
pub const PRODUCTIONS: &[&str] = &[
    "line",
    "binding",
    "command",
    "argument",
    "flag",
    "amount",
    "call",
    "path",
    "word",
    "value",
    "integer",
    "suffix",
    "float",
    "string",
    "bytes",
    "escape",
    "pid",
    "name",
    "reference",
    "tuple",
    "list",
    "map",
    "entry",
    "identifier",
];

#[cfg(test)]
mod tests;
