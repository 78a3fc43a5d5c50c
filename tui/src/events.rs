//! The event log's state and keys: where it is scrolled to (following the newest unless
//! the user scrolled away), what it searches (`/`, `n`) and what it filters (`\`).

use crossterm::event::KeyCode;
use grain::observe::Event;

use crate::model::{Input, Model, contains};
use crate::table::Table;

/// How far PgUp and PgDn move.
pub const PAGE: i64 = 20;

/// The event log's scroll, search and filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventsView {
    /// The event on the bottom line (its sequence number), or `None` to follow the newest.
    pub anchor: Option<u64>,
    /// Show only the events whose line has every word of this, ignoring ASCII case.
    pub filter: String,
    /// The last search.
    pub search: String,
    /// The event the last search found (its sequence number).
    pub mark: Option<u64>,
}

/// An event's line as searched and filtered: pid, then what happened.
pub fn text(e: &Event) -> String {
    format!("{} {}", e.pid, crate::view::what(e).1)
}

/// Does `line` have every word of `filter`?
pub fn passes(line: &str, filter: &str) -> bool {
    filter.split_whitespace().all(|w| contains(line, w))
}

/// The events the filter lets through, oldest first, with their sequence numbers.
pub fn shown<'a>(t: &'a Table, filter: &str) -> Vec<(u64, &'a Event)> {
    t.events
        .iter()
        .enumerate()
        .map(|(i, e)| (t.events_first + i as u64, e))
        .filter(|(_, e)| filter.is_empty() || passes(&text(e), filter))
        .collect()
}

/// The index in `list` of the bottom line.
pub fn bottom(list: &[(u64, &Event)], anchor: Option<u64>) -> usize {
    let last = list.len().saturating_sub(1);
    anchor.map_or(last, |a| {
        list.iter()
            .rposition(|(seq, _)| *seq <= a)
            .unwrap_or(0)
            .min(last)
    })
}

/// Answers a key of the events view; `false` when the key is not the log's.
pub fn key(m: &mut Model, code: KeyCode) -> bool {
    match code {
        KeyCode::Up => scroll(m, -1),
        KeyCode::Down | KeyCode::Char('j') => scroll(m, 1),
        KeyCode::PageUp => scroll(m, -PAGE),
        KeyCode::PageDown => scroll(m, PAGE),
        KeyCode::Home | KeyCode::Char('g') => {
            let list = shown(m.shown(), &m.events.filter);
            let first = list.first().map(|(seq, _)| *seq).filter(|_| list.len() > 1);
            m.events.anchor = first;
        }
        KeyCode::End | KeyCode::Char('G') => m.events.anchor = None,
        KeyCode::Char('/') => m.input = Some(Input::Search(String::new())),
        KeyCode::Char('\\') => m.input = Some(Input::Filter(m.events.filter.clone())),
        KeyCode::Char('n') => search_next(m),
        KeyCode::Esc => {
            m.events.filter.clear();
            m.events.mark = None;
        }
        _ => return false,
    }
    true
}

/// Moves the bottom line `by` events (negative: older); reaching the newest follows it.
fn scroll(m: &mut Model, by: i64) {
    let list = shown(m.shown(), &m.events.filter);
    if list.is_empty() {
        return;
    }
    let at = bottom(&list, m.events.anchor) as i64;
    let to = (at + by).clamp(0, list.len() as i64 - 1) as usize;
    m.events.anchor = (to + 1 < list.len()).then(|| list[to].0);
}

/// Finds the next older event matching the search (wrapping round to the newest) and
/// scrolls it onto the bottom line, marked.
pub fn search_next(m: &mut Model) {
    if m.events.search.is_empty() {
        return;
    }
    let list = shown(m.shown(), &m.events.filter);
    let n = list.len();
    let from = match m
        .events
        .mark
        .and_then(|s| list.iter().position(|(q, _)| *q == s))
    {
        Some(i) => i,
        None => (bottom(&list, m.events.anchor) + 1) % n.max(1),
    };
    let hit = (1..=n)
        .map(|k| (from + n - k) % n)
        .find(|&i| contains(&text(list[i].1), &m.events.search))
        .map(|i| (i, list[i].0));
    match hit {
        Some((i, seq)) => {
            m.events.mark = Some(seq);
            m.events.anchor = (i + 1 < n).then_some(seq);
        }
        None => m.notice = format!("no event matches {:?}", m.events.search),
    }
}
