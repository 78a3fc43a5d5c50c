//! Text output: aligned tables, hexdumps, message bodies, sizes.

use grain::message::Message;

/// Renders rows under a header as aligned columns.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        s.trim_end().to_owned()
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push('\n');
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A classic hexdump: offset, 16 bytes in hex, and their printable ASCII.
pub fn hexdump(addr: u64, bytes: &[u8]) -> String {
    let mut out = Vec::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|b| {
                if b.is_ascii_graphic() || *b == b' ' {
                    *b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push(format!(
            "{:08x}  {:<47}  |{ascii}|",
            addr + (i * 16) as u64,
            hex.join(" ")
        ));
    }
    out.join("\n")
}

/// A short rendering of bytes: the text if it is printable UTF-8, else hex.
pub fn bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text)
            if !text.is_empty()
                && text
                    .chars()
                    .all(|c| !c.is_control() || c == '\n' || c == '\t') =>
        {
            format!("{text:?}")
        }
        _ => {
            let shown: Vec<String> = bytes.iter().take(32).map(|b| format!("{b:02x}")).collect();
            let more = if bytes.len() > 32 { " ..." } else { "" };
            format!("[{}{more}]", shown.join(" "))
        }
    }
}

/// Renders a message body.
pub type Render<'a> = &'a (dyn Fn(&[u8]) -> String + Send + Sync);

/// A message, one line; `decode` renders data bodies when given.
pub fn message(m: &Message, decode: Option<Render<'_>>) -> String {
    match m {
        Message::Data(d) => {
            let from = d
                .sender
                .map_or_else(|| "the host".to_owned(), |p| p.to_string());
            let tag = d.tag.map_or_else(String::new, |t| format!(" tag {t}"));
            let body = match decode {
                Some(f) => f(&d.buffer),
                None => format!("{} bytes {}", d.buffer.len(), bytes(&d.buffer)),
            };
            format!("from {from}{tag}: {body}")
        }
        Message::LinkDied { pid, tag } => {
            let tag = tag.map_or_else(String::new, |t| format!(" (tag {t})"));
            format!("link died: {pid}{tag}")
        }
        Message::ProcessDied { pid, reason } => match reason {
            Some(r) => format!("down: {pid}: {r}"),
            None => format!("down: {pid}: noproc"),
        },
    }
}

/// Bytes in KiB/MiB.
pub fn size(bytes: u64) -> String {
    grain::quantity::bytes(bytes)
}
