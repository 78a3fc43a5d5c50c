//! The syntax tree of a shell line. Every node carries the byte span it came from.

use std::fmt;
use std::ops::Range;

/// A byte range of the line.
pub type Span = Range<usize>;

/// A node and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The node.
    pub node: T,
    /// Its bytes in the line.
    pub span: Span,
}

/// One line of input: an optional binding and a command (`None` for a blank or comment line),
/// or a binding of a plain value (`x = [1, 2]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// `p = ...`: the name the result is bound to.
    pub binding: Option<Spanned<String>>,
    /// The command.
    pub command: Option<Command>,
    /// `x = 5`: a value to bind instead of a command's result.
    pub value: Option<Spanned<Value>>,
}

/// A command name and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// The command's name.
    pub name: Spanned<String>,
    /// Its arguments, in order.
    pub args: Vec<Spanned<Arg>>,
    /// The whole command.
    pub span: Span,
}

/// An argument of a command.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A value.
    Value(Value),
    /// A bare identifier: a keyword or a name (`link`, `as`, `fuel`).
    Word(String),
    /// `--name` or `--name=value`.
    Flag {
        /// The flag's name, without dashes.
        name: String,
        /// Its value after `=`.
        value: Option<Box<Spanned<Arg>>>,
    },
    /// `module.function(args...)`.
    Call {
        /// The module.
        module: String,
        /// The function (an identifier or a quoted export name).
        function: String,
        /// The arguments.
        args: Vec<Spanned<Value>>,
    },
    /// A file path.
    Path(String),
}

/// Integer types a literal can name with a suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "the names are the Rust types")]
pub enum IntType {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntType {
    /// All of them, with their suffixes.
    pub const ALL: [(IntType, &'static str); 8] = [
        (IntType::I8, "i8"),
        (IntType::I16, "i16"),
        (IntType::I32, "i32"),
        (IntType::I64, "i64"),
        (IntType::U8, "u8"),
        (IntType::U16, "u16"),
        (IntType::U32, "u32"),
        (IntType::U64, "u64"),
    ];

    /// The suffix, e.g. `u32`.
    pub fn suffix(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(t, _)| *t == self)
            .map(|(_, s)| *s)
            .unwrap_or("i64")
    }

    /// The range of values the type holds.
    pub fn range(self) -> (i128, i128) {
        match self {
            IntType::I8 => (i8::MIN.into(), i8::MAX.into()),
            IntType::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntType::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntType::I64 => (i64::MIN.into(), i64::MAX.into()),
            IntType::U8 => (0, u8::MAX.into()),
            IntType::U16 => (0, u16::MAX.into()),
            IntType::U32 => (0, u32::MAX.into()),
            IntType::U64 => (0, u64::MAX.into()),
        }
    }
}

/// Float types a literal can name with a suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "the names are the Rust types")]
pub enum FloatType {
    F32,
    F64,
}

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An integer, with its type if a suffix gave one.
    Int {
        /// The number.
        value: i128,
        /// `5u32` → `Some(U32)`.
        ty: Option<IntType>,
    },
    /// A float, with its type if a suffix gave one.
    Float {
        /// The number.
        value: f64,
        /// `1.5f32` → `Some(F32)`.
        ty: Option<FloatType>,
    },
    /// `true` or `false`.
    Bool(bool),
    /// `()`.
    Unit,
    /// `"text"`.
    Str(String),
    /// `b"bytes"`.
    Bytes(Vec<u8>),
    /// `<node.id>`.
    Pid {
        /// The node (0 is this one).
        node: u64,
        /// The process id.
        id: u64,
    },
    /// `#name`: a registered name.
    Name(String),
    /// `$3`: a numbered result.
    Result(usize),
    /// `$p`: a binding.
    Var(String),
    /// `(a, b)`.
    Tuple(Vec<Spanned<Value>>),
    /// `[a, b]`.
    List(Vec<Spanned<Value>>),
    /// `{key: value}`.
    Map(Vec<(Spanned<Value>, Spanned<Value>)>),
}

fn join<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = T>,
) -> fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Value {
    /// The canonical form, which parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int { value, ty } => write!(f, "{value}{}", ty.map_or("", IntType::suffix)),
            Value::Float { value, ty } => {
                let suffix = match ty {
                    Some(FloatType::F32) => "f32",
                    Some(FloatType::F64) => "f64",
                    None => "",
                };
                write!(f, "{value:?}{suffix}")
            }
            Value::Bool(b) => write!(f, "{b}"),
            Value::Unit => f.write_str("()"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Bytes(bytes) => {
                f.write_str("b\"")?;
                for b in bytes {
                    match b {
                        b'"' => f.write_str("\\\"")?,
                        b'\\' => f.write_str("\\\\")?,
                        0x20..=0x7e => write!(f, "{}", *b as char)?,
                        _ => write!(f, "\\x{b:02x}")?,
                    }
                }
                f.write_str("\"")
            }
            Value::Pid { node, id } => write!(f, "<{node}.{id}>"),
            Value::Name(n) => write!(f, "#{n}"),
            Value::Result(n) => write!(f, "${n}"),
            Value::Var(v) => write!(f, "${v}"),
            Value::Tuple(items) => {
                f.write_str("(")?;
                join(f, items.iter().map(|i| &i.node))?;
                f.write_str(if items.len() == 1 { ",)" } else { ")" })
            }
            Value::List(items) => {
                f.write_str("[")?;
                join(f, items.iter().map(|i| &i.node))?;
                f.write_str("]")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                join(
                    f,
                    entries
                        .iter()
                        .map(|(k, v)| format!("{}: {}", k.node, v.node)),
                )?;
                f.write_str("}")
            }
        }
    }
}
