//! The footer: what is being typed, the last notice (wrapped, never cut off: at most
//! [`NOTICE_LINES`] lines, the last ending in `…` when even those are too few), or the keys
//! that fit.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::fmt;
use crate::model::{Input, Model, Tab};

/// The most lines a notice takes.
pub const NOTICE_LINES: usize = 3;

/// The footer's lines at `width`.
pub fn lines(m: &Model, width: u16) -> Vec<Line<'static>> {
    let key = Style::new().fg(Color::Black).bg(Color::Cyan);
    let events = m.tab == Tab::Events && m.detail.is_none();
    let what = if events { " events" } else { "" };
    match &m.input {
        Some(Input::Search(t)) => vec![Line::from(vec![
            Span::styled(format!("search{what}:"), key),
            Span::raw(format!(" {t}")),
        ])],
        Some(Input::Filter(t)) => vec![Line::from(vec![
            Span::styled(format!("filter{what}:"), key),
            Span::raw(format!(" {t}")),
        ])],
        None if !m.notice.is_empty() => {
            let bold = Style::new().add_modifier(Modifier::BOLD);
            fmt::wrap(&m.notice, width as usize, NOTICE_LINES)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, bold)))
                .collect()
        }
        None => vec![hints(m, width, events)],
    }
}

/// The keys of the view, as many as fit whole.
fn hints(m: &Model, width: u16, events: bool) -> Line<'static> {
    let key = Style::new().fg(Color::Black).bg(Color::Cyan);
    let mut spans = Vec::new();
    let mut used = 0;
    let mut add = |spans: &mut Vec<Span<'static>>, k: String, what: String, style| {
        let n = k.chars().count() + what.chars().count();
        let fits = used + n <= width as usize;
        if fits {
            used += n;
            spans.push(Span::styled(k, style));
            spans.push(Span::raw(what));
        }
        fits
    };
    if !m.filter.is_empty() && !events {
        add(&mut spans, format!("filter: {}", m.filter), " ".into(), key);
    }
    if m.shown().nodes.is_some() {
        add(&mut spans, " c ".into(), " cluster ".into(), key);
    }
    let keys: &[(&str, &str)] = if events {
        &[
            ("?", "help"),
            ("PgUp PgDn", "scroll"),
            ("End", "follow"),
            ("/", "search"),
            ("n", "next"),
            ("\\", "filter"),
            ("e", "processes"),
            ("q", "quit"),
        ]
    } else {
        &[
            ("?", "help"),
            ("Enter", "detail"),
            ("t", "tree"),
            ("e", "events"),
            ("/", "search"),
            ("\\", "filter"),
            ("<>", "sort"),
            ("space", "pause"),
            ("[]", "scrub"),
            ("k", "kill"),
            ("q", "quit"),
        ]
    };
    for (k, what) in keys {
        if *k == "k" && m.look_only {
            continue;
        }
        if !add(&mut spans, format!(" {k} "), format!(" {what} "), key) {
            break;
        }
    }
    Line::from(spans)
}
