//! The tests of a test binary, from the exports `#[lunatic::test]` creates:
//! `#lunatic_test_` + optional `#ignore_` + optional `#panic_<expected, # escaped as \#>#` +
//! module path + `::` + name.

/// Prefix of every test export.
pub const PREFIX: &str = "#lunatic_test_";

/// One test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The name libtest would print (module path without the crate name).
    pub name: String,
    /// The export to call.
    pub export: String,
    /// `#[ignore]`.
    pub ignore: bool,
    /// `#[should_panic]`, with the expected text ("" = any panic).
    pub should_panic: Option<String>,
}

/// Parses one export name; `None` when it is not a test.
pub fn parse(export: &str) -> Option<TestCase> {
    let mut rest = export.strip_prefix(PREFIX)?;
    let ignore = match rest.strip_prefix("#ignore_") {
        Some(r) => {
            rest = r;
            true
        }
        None => false,
    };
    let mut should_panic = None;
    if let Some(r) = rest.strip_prefix("#panic_") {
        let mut expected = String::new();
        let mut chars = r.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if r[i + 1..].starts_with('#') => {
                    expected.push('#');
                    chars.next();
                }
                '#' => {
                    end = Some(i + 1);
                    break;
                }
                c => expected.push(c),
            }
        }
        rest = &r[end?..];
        should_panic = Some(expected);
    }
    // module_path!() starts with the crate's name, which libtest does not print.
    let name = rest.split_once("::").map_or(rest, |(_, n)| n).to_owned();
    Some(TestCase {
        name,
        export: export.to_owned(),
        ignore,
        should_panic,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ignored_and_should_panic_tests_parse() {
        let t = parse("#lunatic_test_process::spawn_works").unwrap();
        assert_eq!(
            (t.name.as_str(), t.ignore, t.should_panic),
            ("spawn_works", false, None)
        );
        let t = parse("#lunatic_test_#ignore_net::inner::slow").unwrap();
        assert_eq!((t.name.as_str(), t.ignore), ("inner::slow", true));
        let t = parse("#lunatic_test_#panic_bad \\# thing#tests::boom").unwrap();
        assert_eq!(t.should_panic.as_deref(), Some("bad # thing"));
        assert_eq!(t.name, "boom");
        let t = parse("#lunatic_test_#ignore_#panic_#m::any").unwrap();
        assert_eq!((t.ignore, t.should_panic.as_deref()), (true, Some("")));
        assert!(parse("_start").is_none());
        assert!(parse("#lunatic_test_#panic_unterminated").is_none());
    }
}
