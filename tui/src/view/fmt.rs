//! Number formats shared by the views.

/// Bytes as B, KiB, MiB or GiB, short (at most 7 characters below 1 TiB).
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n}B")
    } else if v < 10.0 {
        format!("{v:.1}{}", UNITS[unit])
    } else {
        format!("{v:.0}{}", UNITS[unit])
    }
}

/// A count (of fuel: 1 fuel = 1 wasm instruction) with k, M or G suffixes, short (at most
/// 7 characters below 10¹⁵).
pub fn count(n: u64) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

/// Microseconds as seconds with one decimal.
pub fn secs(us: u64) -> String {
    format!("{:.1}s", us as f64 / 1e6)
}

/// `text` in lines of at most `width` characters, broken between words (a word longer
/// than a line is split), at most `max` lines: when more are needed, the last one ends in
/// `…`.
pub fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let have = line.chars().count();
            let gap = usize::from(have > 0);
            if have + gap + word.len() <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if have > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            let rest = word.split_off(width);
            lines.push(word.iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max.max(1) {
        lines.truncate(max.max(1));
        let last = lines.last_mut().expect("at least one line");
        let mut chars: Vec<char> = last.chars().collect();
        chars.truncate(width - 1);
        *last = chars.into_iter().collect::<String>() + "…";
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(bytes(512), "512B");
        assert_eq!(bytes(65_536), "64KiB");
        assert_eq!(bytes(1_572_864), "1.5MiB");
        assert_eq!(bytes(1_073_741_823), "1024MiB");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_500), "1.5k");
        assert_eq!(count(2_000_000), "2.0M");
        assert_eq!(secs(1_250_000), "1.2s");
    }

    #[test]
    fn wraps_between_words_and_marks_what_is_left_out() {
        assert_eq!(wrap("killed <0.2>", 40, 3), ["killed <0.2>"]);
        assert_eq!(
            wrap("cannot kill the past: go live", 12, 3),
            ["cannot kill", "the past: go", "live"]
        );
        assert_eq!(wrap("a b c d e f", 3, 2), ["a b", "c …"]);
        assert_eq!(wrap("abcdefgh", 3, 5), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 10, 3), [""]);
    }
}
