//! The written grammar in the book and the parser stay in sync.

use std::collections::BTreeSet;

use grain_grammar::{PRODUCTIONS, parse_line};

const PAGE: &str = include_str!("../../book/src/reference/grammar.md");

fn blocks(lang: &str) -> Vec<String> {
    let fence = format!("```{lang}");
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in PAGE.lines() {
        match &mut current {
            None if line.trim() == fence => current = Some(String::new()),
            Some(_) if line.trim() == "```" => out.push(current.take().unwrap()),
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

fn ebnf() -> String {
    blocks("ebnf").concat()
}

/// Names defined by `name = ...` rules, in order.
fn defined() -> Vec<String> {
    ebnf()
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(n, _)| n.trim().to_owned()))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase()))
        .collect()
}

#[test]
fn the_written_grammar_defines_exactly_the_productions_of_the_parser() {
    assert_eq!(defined(), PRODUCTIONS);
}

#[test]
fn every_production_but_line_is_used_by_another() {
    let text = ebnf();
    let bodies: String = text
        .lines()
        .map(|l| l.split_once(" = ").map_or(l, |(_, b)| b))
        .collect::<Vec<_>>()
        .join("\n");
    let words: BTreeSet<&str> = bodies
        .split(|c: char| !(c.is_ascii_lowercase()))
        .filter(|w| !w.is_empty())
        .collect();
    for name in PRODUCTIONS.iter().filter(|n| **n != "line") {
        assert!(words.contains(name), "{name} is defined but never used");
    }
}

#[test]
fn every_example_in_the_book_parses() {
    let examples = blocks("grain");
    assert!(!examples.is_empty());
    for line in examples.iter().flat_map(|b| b.lines()) {
        if let Err(e) = parse_line(line) {
            panic!("{}", e.render(line));
        }
    }
}
