//! Golden transcripts: `tests/sessions/*.grain` run in-process and must match the stored
//! `*.out` (timings redacted). `BLESS=1` rewrites the stored transcripts.

use std::path::Path;

use crate::support;

/// Replaces durations (`17.3ms`, `2.1µs`, `1s`, `84 µs`, `1.5 ms`) with `<time>`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_number =
            chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric());
        if starts_number {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            // `84 µs` and `1.5 ms` too (grain::quantity::micros), not `5 s` (a count).
            let spaced = chars.get(j) == Some(&' ')
                && chars.get(j + 2).is_some_and(|c| *c == 's')
                && matches!(chars.get(j + 1), Some('µ' | 'm'));
            let j = if spaced { j + 1 } else { j };
            let rest: String = chars[j..chars.len().min(j + 2)].iter().collect();
            let unit = ["ns", "µs", "ms"]
                .iter()
                .find(|u| rest.starts_with(**u))
                .map(|u| u.chars().count())
                .or_else(|| {
                    (rest.starts_with('s') && chars.get(j + 1).is_none_or(|c| !c.is_alphanumeric()))
                        .then_some(1)
                });
            if let Some(len) = unit {
                out.push_str("<time>");
                i = j + len;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn run_session(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    if text.contains("examples/guests/") {
        support::guest("inbox");
    }
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    std::env::set_current_dir(support::root()).unwrap();
    let transcript = tokio.block_on(async {
        let mut shell = grain_shell::Shell::new().expect("a shell");
        grain_shell::script::run(&mut shell, &text).await.0
    });
    redact(&transcript)
}

#[test]
fn sessions_match_their_transcripts() {
    let dir = support::root().join("tests/sessions");
    let mut sessions: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "grain"))
        .collect();
    sessions.sort();
    assert!(sessions.len() >= 3);
    let mut failures = Vec::new();
    for session in sessions {
        let actual = run_session(&session);
        let stored = session.with_extension("out");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&stored, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&stored).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
                session.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn redaction_hides_timings_only() {
    assert_eq!(
        redact("compiled in 17.3ms, for 2s, 5µs"),
        "compiled in <time>, for <time>, <time>"
    );
    assert_eq!(
        redact("<0.12> 64 KiB 3183 bytes u32s"),
        "<0.12> 64 KiB 3183 bytes u32s"
    );
    assert_eq!(
        redact("in 259 µs, 1.5 ms; 3 spawned, 2 s"),
        "in <time>, <time>; 3 spawned, 2 s"
    );
}
