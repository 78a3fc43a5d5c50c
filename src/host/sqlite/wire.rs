//! lunatic's sqlite wire format: bincode 1 encodings of bind lists, values, rows and errors.

/// A value of a column or a parameter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SqlValue {
    Null,
    Blob(Vec<u8>),
    Text(String),
    Double(f64),
    Integer(i64),
}

/// Where a bound value goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BindKey {
    /// The next positional parameter (lunatic binds these at index 1).
    None,
    /// `?N`.
    Numeric(usize),
    /// `:name`, `@name`, `$name`.
    Name(String),
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let out = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or("the bind list ends early")?;
        self.at += n;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn len(&mut self) -> Result<usize, String> {
        let n = self.u64()?;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= self.bytes.len())
            .ok_or_else(|| format!("length {n} is too long"))
    }

    fn bytes(&mut self) -> Result<Vec<u8>, String> {
        let n = self.len()?;
        Ok(self.take(n)?.to_vec())
    }

    fn string(&mut self) -> Result<String, String> {
        String::from_utf8(self.bytes()?).map_err(|_| "a string is not UTF-8".to_owned())
    }
}

/// Decodes a `BindList`: `Vec<(BindKey, BindValue)>`.
pub(crate) fn decode_binds(bytes: &[u8]) -> Result<Vec<(BindKey, SqlValue)>, String> {
    let mut r = Reader { bytes, at: 0 };
    let n = r.len()?;
    let mut out = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let key = match r.u32()? {
            0 => BindKey::None,
            1 => BindKey::Numeric(r.u64()? as usize),
            2 => BindKey::Name(r.string()?),
            k => return Err(format!("unknown bind key {k}")),
        };
        let value = match r.u32()? {
            0 => SqlValue::Null,
            1 => SqlValue::Blob(r.bytes()?),
            2 => SqlValue::Text(r.string()?),
            3 => SqlValue::Double(f64::from_le_bytes(r.take(8)?.try_into().expect("8 bytes"))),
            4 => SqlValue::Integer(i64::from(i32::from_le_bytes(
                r.take(4)?.try_into().expect("4 bytes"),
            ))),
            5 => SqlValue::Integer(r.u64()? as i64),
            v => return Err(format!("unknown bind value {v}")),
        };
        out.push((key, value));
    }
    Ok(out)
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend((b.len() as u64).to_le_bytes());
    out.extend(b);
}

/// Encodes a `SqliteValue`.
pub(crate) fn encode_value(v: &SqlValue, out: &mut Vec<u8>) {
    match v {
        SqlValue::Null => out.extend(0u32.to_le_bytes()),
        SqlValue::Blob(b) => {
            out.extend(1u32.to_le_bytes());
            put_bytes(out, b);
        }
        SqlValue::Text(t) => {
            out.extend(2u32.to_le_bytes());
            put_bytes(out, t.as_bytes());
        }
        SqlValue::Double(d) => {
            out.extend(3u32.to_le_bytes());
            out.extend(d.to_le_bytes());
        }
        SqlValue::Integer(i) => {
            out.extend(4u32.to_le_bytes());
            out.extend(i.to_le_bytes());
        }
    }
}

/// Encodes a `SqliteRow` (a `Vec<SqliteValue>`).
pub(crate) fn encode_row(row: &[SqlValue]) -> Vec<u8> {
    let mut out = (row.len() as u64).to_le_bytes().to_vec();
    for v in row {
        encode_value(v, &mut out);
    }
    out
}

/// Encodes a `Vec<String>`.
pub(crate) fn encode_strings(items: &[String]) -> Vec<u8> {
    let mut out = (items.len() as u64).to_le_bytes().to_vec();
    for s in items {
        put_bytes(&mut out, s.as_bytes());
    }
    out
}

/// Encodes a `SqliteError { code: Option<u32>, message: Option<String> }`.
pub(crate) fn encode_error(code: Option<u32>, message: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    match code {
        Some(c) => {
            out.push(1);
            out.extend(c.to_le_bytes());
        }
        None => out.push(0),
    }
    match message {
        Some(m) => {
            out.push(1);
            put_bytes(&mut out, m.as_bytes());
        }
        None => out.push(0),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_lists_decode() {
        let mut b = 2u64.to_le_bytes().to_vec();
        b.extend(1u32.to_le_bytes());
        b.extend(3u64.to_le_bytes());
        b.extend(2u32.to_le_bytes());
        put_bytes(&mut b, b"hi");
        b.extend(0u32.to_le_bytes());
        b.extend(4u32.to_le_bytes());
        b.extend((-5i32).to_le_bytes());
        assert_eq!(
            decode_binds(&b).unwrap(),
            [
                (BindKey::Numeric(3), SqlValue::Text("hi".into())),
                (BindKey::None, SqlValue::Integer(-5))
            ]
        );
        assert!(decode_binds(&b[..b.len() - 1]).is_err());
    }

    #[test]
    fn rows_and_errors_encode_as_bincode() {
        let row = encode_row(&[SqlValue::Integer(7), SqlValue::Null]);
        assert_eq!(row.len(), 8 + (4 + 8) + 4);
        assert_eq!(
            encode_error(None, Some("x")),
            [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, b'x']
        );
    }
}
