//! The shell's command language: any line parses or is an error with a span inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    if let Err(e) = grain_grammar::parse_line(line) {
        let span = e.span.clone();
        assert!(
            span.start <= span.end && span.end <= line.len(),
            "{e:?} in {line:?}"
        );
    }
});
