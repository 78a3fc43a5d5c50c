//! Values as guests expect them: bincode (what lunatic-rs decodes by default), raw bytes,
//! or JSON; and message bodies decoded back into values by a type.
//!
//! Raw integers are 8-byte little-endian unless a suffix says otherwise, and a raw pid is
//! its id as 8 bytes, which is what WAT guests usually `i64.load`.
//!
//! Bincode here is bincode 1's default: fixed-width little-endian integers, u64 lengths.
//! An integer without a suffix is an `i32` (Rust's default) when it fits, else an `i64`; a
//! pid is a lunatic-rs `Process`: its node id and id as two u64s.

use grain_grammar::{FloatType, IntType, Value};

/// How to encode a value for `send`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// bincode 1, as lunatic-rs's default serializer.
    Bincode,
    /// The bytes of a string or byte string, or an integer's little-endian bytes.
    Raw,
    /// JSON text, as lunatic-rs's `Json` serializer.
    Json,
}

fn int_bytes(value: i128, ty: Option<IntType>) -> Vec<u8> {
    let ty = ty.unwrap_or(if i32::try_from(value).is_ok() {
        IntType::I32
    } else {
        IntType::I64
    });
    let bytes = value.to_le_bytes();
    let width = match ty {
        IntType::I8 | IntType::U8 => 1,
        IntType::I16 | IntType::U16 => 2,
        IntType::I32 | IntType::U32 => 4,
        IntType::I64 | IntType::U64 => 8,
    };
    bytes[..width].to_vec()
}

/// Encodes `value` (references already resolved).
pub fn encode(value: &Value, encoding: Encoding) -> Result<Vec<u8>, String> {
    match encoding {
        Encoding::Bincode => {
            let mut out = Vec::new();
            bincode(value, &mut out)?;
            Ok(out)
        }
        Encoding::Raw => match value {
            Value::Str(s) => Ok(s.as_bytes().to_vec()),
            Value::Bytes(b) => Ok(b.clone()),
            Value::Int { value, ty } => Ok(int_bytes(*value, Some(ty.unwrap_or(IntType::I64)))),
            Value::Pid { node, id } => Ok(grain::Pid::new(*node, *id).id().to_le_bytes().to_vec()),
            other => Err(format!(
                "{other} has no raw form (give a string, bytes, an integer or a pid)"
            )),
        },
        Encoding::Json => Ok(json(value)?.to_string().into_bytes()),
    }
}

fn bincode(value: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    match value {
        Value::Int { value, ty } => out.extend(int_bytes(*value, *ty)),
        Value::Float {
            value,
            ty: Some(FloatType::F32),
        } => out.extend((*value as f32).to_le_bytes()),
        Value::Float { value, .. } => out.extend(value.to_le_bytes()),
        Value::Bool(b) => out.push(u8::from(*b)),
        Value::Unit => {}
        Value::Str(s) => {
            out.extend((s.len() as u64).to_le_bytes());
            out.extend(s.as_bytes());
        }
        Value::Bytes(b) => {
            out.extend((b.len() as u64).to_le_bytes());
            out.extend(b);
        }
        // lunatic-rs's `Process`: its node, then the whole pid (which carries the node).
        Value::Pid { node, id } => {
            out.extend(node.to_le_bytes());
            out.extend(grain::Pid::new(*node, *id).id().to_le_bytes());
        }
        Value::Tuple(items) => {
            for i in items {
                bincode(&i.node, out)?;
            }
        }
        Value::List(items) => {
            out.extend((items.len() as u64).to_le_bytes());
            for i in items {
                bincode(&i.node, out)?;
            }
        }
        Value::Map(entries) => {
            out.extend((entries.len() as u64).to_le_bytes());
            for (k, v) in entries {
                bincode(&k.node, out)?;
                bincode(&v.node, out)?;
            }
        }
        Value::Name(_) | Value::Result(_) | Value::Var(_) => {
            return Err(format!("{value} was not resolved"));
        }
    }
    Ok(())
}

/// The value as JSON.
pub fn json(value: &Value) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match value {
        Value::Int { value, .. } => match i64::try_from(*value) {
            Ok(v) => J::from(v),
            Err(_) => J::from(*value as u64),
        },
        Value::Float { value, .. } => J::from(*value),
        Value::Bool(b) => J::Bool(*b),
        Value::Unit => J::Null,
        Value::Str(s) => J::String(s.clone()),
        Value::Bytes(b) => J::Array(b.iter().map(|x| J::from(*x)).collect()),
        Value::Pid { node, id } => {
            serde_json::json!({ "node_id": node, "id": grain::Pid::new(*node, *id).id() })
        }
        Value::Tuple(items) | Value::List(items) => J::Array(
            items
                .iter()
                .map(|i| json(&i.node))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (k, v) in entries {
                let Value::Str(key) = &k.node else {
                    return Err(format!("JSON object keys must be strings, not {}", k.node));
                };
                map.insert(key.clone(), json(&v.node)?);
            }
            J::Object(map)
        }
        Value::Name(_) | Value::Result(_) | Value::Var(_) => {
            return Err(format!("{value} was not resolved"));
        }
    })
}
