//! Decoding message bodies by a type (`--decode TYPE`): `u8`..`u64`, `i8`..`i64`, `f32`,
//! `f64`, `bool`, `string`, `bytes`, `pid`, `()`, tuples `(T, U)`, vectors `[T]`, or `json`.

use grain_grammar::{FloatType, IntType, Spanned, Value};

/// A type to decode bincode as.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// An integer type.
    Int(IntType),
    /// A float type.
    Float(FloatType),
    /// `bool`.
    Bool,
    /// `string`.
    Str,
    /// `bytes` (a `Vec<u8>`).
    Bytes,
    /// `pid` (a lunatic-rs `Process`).
    Pid,
    /// `()`.
    Unit,
    /// `(T, U, ...)`.
    Tuple(Vec<Type>),
    /// `[T]`.
    Vec(Box<Type>),
    /// The body is JSON text.
    Json,
}

/// Parses a type.
pub fn parse_type(text: &str) -> Result<Type, String> {
    let (ty, rest) = parse(text.trim())?;
    if rest.trim().is_empty() {
        Ok(ty)
    } else {
        Err(format!("unexpected {:?} after the type", rest.trim()))
    }
}

fn parse(text: &str) -> Result<(Type, &str), String> {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix('(') {
        let mut items = Vec::new();
        let mut rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(')') {
            return Ok((Type::Unit, after));
        }
        loop {
            let (ty, after) = parse(rest)?;
            items.push(ty);
            let after = after.trim_start();
            if let Some(after) = after.strip_prefix(')') {
                return Ok((Type::Tuple(items), after));
            }
            rest = after
                .strip_prefix(',')
                .ok_or("expected ',' or ')' in a tuple type")?;
        }
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (ty, after) = parse(rest)?;
        let after = after.trim_start().strip_prefix(']').ok_or("expected ']'")?;
        return Ok((Type::Vec(Box::new(ty)), after));
    }
    let end = text
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    let ty = match word {
        "bool" => Type::Bool,
        "string" | "String" | "str" => Type::Str,
        "bytes" => Type::Bytes,
        "pid" => Type::Pid,
        "json" => Type::Json,
        "f32" => Type::Float(FloatType::F32),
        "f64" => Type::Float(FloatType::F64),
        w => Type::Int(
            IntType::ALL
                .iter()
                .find(|(_, n)| *n == w)
                .map(|(t, _)| *t)
                .ok_or_else(|| format!("unknown type {w:?}"))?,
        ),
    };
    Ok((ty, rest))
}

/// Decodes `bytes` as `ty`; the whole body must be used.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, String> {
    if *ty == Type::Json {
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
        return Ok(Value::Str(v.to_string()));
    }
    let mut at = 0;
    let value = take(bytes, &mut at, ty)?;
    if at != bytes.len() {
        return Err(format!(
            "{} bytes left over after decoding",
            bytes.len() - at
        ));
    }
    Ok(value)
}

fn chunk<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let out = bytes
        .get(*at..*at + n)
        .ok_or_else(|| format!("the body ends early (at byte {at})"))?;
    *at += n;
    Ok(out)
}

fn len(bytes: &[u8], at: &mut usize) -> Result<usize, String> {
    let n = u64::from_le_bytes(chunk(bytes, at, 8)?.try_into().expect("8 bytes"));
    usize::try_from(n)
        .ok()
        .filter(|n| *n <= bytes.len())
        .ok_or_else(|| format!("length {n} is larger than the body"))
}

fn spanned(node: Value) -> Spanned<Value> {
    Spanned { node, span: 0..0 }
}

fn take(bytes: &[u8], at: &mut usize, ty: &Type) -> Result<Value, String> {
    Ok(match ty {
        Type::Int(t) => {
            let width = match t {
                IntType::I8 | IntType::U8 => 1,
                IntType::I16 | IntType::U16 => 2,
                IntType::I32 | IntType::U32 => 4,
                IntType::I64 | IntType::U64 => 8,
            };
            let raw = chunk(bytes, at, width)?;
            let mut buf = [0u8; 16];
            buf[..width].copy_from_slice(raw);
            let signed = matches!(t, IntType::I8 | IntType::I16 | IntType::I32 | IntType::I64);
            if signed && raw[width - 1] & 0x80 != 0 {
                buf[width..].fill(0xff);
            }
            Value::Int {
                value: i128::from_le_bytes(buf),
                ty: Some(*t),
            }
        }
        Type::Float(FloatType::F32) => {
            let v = f32::from_le_bytes(chunk(bytes, at, 4)?.try_into().expect("4 bytes"));
            Value::Float {
                value: f64::from(v),
                ty: Some(FloatType::F32),
            }
        }
        Type::Float(FloatType::F64) => Value::Float {
            value: f64::from_le_bytes(chunk(bytes, at, 8)?.try_into().expect("8 bytes")),
            ty: Some(FloatType::F64),
        },
        Type::Bool => Value::Bool(chunk(bytes, at, 1)?[0] != 0),
        Type::Unit => Value::Unit,
        Type::Str => {
            let n = len(bytes, at)?;
            Value::Str(
                String::from_utf8(chunk(bytes, at, n)?.to_vec())
                    .map_err(|_| "the string is not UTF-8".to_owned())?,
            )
        }
        Type::Bytes => {
            let n = len(bytes, at)?;
            Value::Bytes(chunk(bytes, at, n)?.to_vec())
        }
        Type::Pid => {
            let node = u64::from_le_bytes(chunk(bytes, at, 8)?.try_into().expect("8 bytes"));
            let id = u64::from_le_bytes(chunk(bytes, at, 8)?.try_into().expect("8 bytes"));
            Value::Pid {
                node,
                id: grain::Pid(id).local(),
            }
        }
        Type::Tuple(items) => Value::Tuple(
            items
                .iter()
                .map(|t| take(bytes, at, t).map(spanned))
                .collect::<Result<_, _>>()?,
        ),
        Type::Vec(item) => {
            let n = len(bytes, at)?;
            Value::List(
                (0..n)
                    .map(|_| take(bytes, at, item).map(spanned))
                    .collect::<Result<_, _>>()?,
            )
        }
        Type::Json => unreachable!("handled by decode"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{Encoding, encode};
    use grain_grammar::parse_line;

    fn value(src: &str) -> Value {
        match parse_line(&format!("x {src}"))
            .unwrap()
            .command
            .unwrap()
            .args
            .remove(0)
            .node
        {
            grain_grammar::Arg::Value(v) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bincode_round_trips_through_types() {
        for (src, ty) in [
            ("5u32", "u32"),
            ("-3i64", "i64"),
            ("\"hi\"", "string"),
            ("(7u8, \"x\", true)", "(u8, string, bool)"),
            ("[1u16, 2u16]", "[u16]"),
            ("<0.12>", "pid"),
            ("2.5f64", "f64"),
            ("b\"ab\"", "bytes"),
        ] {
            let v = value(src);
            let bytes = encode(&v, Encoding::Bincode).unwrap();
            let back = decode(&bytes, &parse_type(ty).unwrap()).unwrap();
            assert_eq!(back.to_string(), v.to_string(), "{src} as {ty}");
        }
    }

    #[test]
    fn untyped_integers_are_i32_for_rust_guests() {
        assert_eq!(
            encode(&value("5"), Encoding::Bincode).unwrap(),
            5i32.to_le_bytes()
        );
        assert_eq!(
            encode(&value("\"ab\""), Encoding::Bincode).unwrap(),
            [2, 0, 0, 0, 0, 0, 0, 0, b'a', b'b']
        );
        assert_eq!(
            encode(&value("5"), Encoding::Raw).unwrap(),
            5i64.to_le_bytes()
        );
        assert_eq!(
            encode(&value("{a: [1, 2]}"), Encoding::Json).unwrap(),
            br#"{"a":[1,2]}"#
        );
    }

    #[test]
    fn bad_bodies_and_types_are_errors() {
        assert!(
            decode(&[1, 2], &Type::Int(IntType::U32))
                .unwrap_err()
                .contains("ends early")
        );
        assert!(
            decode(&[1, 0, 0, 0, 9], &Type::Int(IntType::U32))
                .unwrap_err()
                .contains("left over")
        );
        assert!(parse_type("(u8, quux)").unwrap_err().contains("quux"));
    }
}
