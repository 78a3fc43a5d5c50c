//! The book's observer screens are the observer's real output: every
//! `<!-- screen: NAME -->` marker in book/src is followed by a ```text block holding the
//! screen of that scenario (tests/fixture.rs). `BLESS=1` rewrites the blocks.

use crate::fixture;

use std::path::Path;

#[test]
fn the_books_screens_are_what_the_observer_draws() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/src/observer.md");
    let text = std::fs::read_to_string(&path).expect("the observer chapter");
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    let mut failures = Vec::new();
    let mut seen = 0;
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(name) = line
            .strip_prefix("<!-- screen: ")
            .and_then(|l| l.strip_suffix(" -->"))
        else {
            continue;
        };
        seen += 1;
        let fence = lines.next().unwrap_or_default();
        assert_eq!(
            fence, "```text",
            "a ```text block follows the {name} marker"
        );
        let mut shown = Vec::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            shown.push(l);
        }
        let (m, w, h) = fixture::scenario(name);
        let screen = fixture::text(&fixture::draw(&m, w, h));
        if shown.join("\n") != screen {
            failures.push(format!(
                "{name}: the book shows\n{}\nthe observer draws\n{screen}",
                shown.join("\n")
            ));
        }
        out.push_str(&format!("```text\n{screen}\n```\n"));
    }
    assert!(seen > 0, "the chapter shows screens");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, out).unwrap();
    } else {
        assert!(
            failures.is_empty(),
            "{}\n(BLESS=1 rewrites)",
            failures.join("\n\n")
        );
    }
}
