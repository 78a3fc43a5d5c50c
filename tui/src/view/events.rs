//! The event log: spawns, exits with reasons, restarts, links, names, limits.

use grain::observe::{Event, EventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt;
use crate::model::Model;

/// Draws the log: a status line (how many shown, the filter, the search, following the
/// newest or scrolled back), then the events that fit, newest at the bottom.
pub fn draw(m: &Model, frame: &mut Frame, area: Rect) {
    let [status, log] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let t = m.shown();
    let v = &m.events;
    let list = crate::events::shown(t, &v.filter);
    let bottom = crate::events::bottom(&list, v.anchor);
    let n = log.height as usize;
    let end = if list.is_empty() { 0 } else { bottom + 1 };
    // Scrolled up to the top, the page starts with the oldest.
    let end = end.max(n.min(list.len()));
    let start = end.saturating_sub(n);
    let mut words = vec![format!("events {} of {}", list.len(), t.events.len())];
    if !v.filter.is_empty() {
        words.push(format!("filter: {}", v.filter));
    }
    if !v.search.is_empty() {
        words.push(format!("search: {}", v.search));
    }
    words.push(match v.anchor {
        None => "following the newest".to_owned(),
        Some(_) => format!(
            "scrolled back, {} newer below (End follows)",
            list.len() - end
        ),
    });
    let bar = Style::new().fg(Color::Black).bg(Color::Cyan);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(words.join(" · "), bar))),
        status,
    );
    let lines: Vec<Line> = list[start..end]
        .iter()
        .map(|(seq, e)| {
            let l = line(e);
            if v.mark == Some(*seq) {
                l.style(Style::new().add_modifier(Modifier::REVERSED))
            } else {
                l
            }
        })
        .collect();
    if lines.is_empty() {
        let text = if t.events.is_empty() {
            "no events yet".to_owned()
        } else {
            format!("no event matches the filter {:?} (Esc clears it)", v.filter)
        };
        frame.render_widget(Paragraph::new(text), log);
    } else {
        frame.render_widget(Paragraph::new(lines), log);
    }
}

/// What an event says, and its colour.
pub(crate) fn what(e: &Event) -> (Color, String) {
    match &e.kind {
        EventKind::Spawned {
            parent,
            module,
            function,
        } => (
            Color::Green,
            format!(
                "spawned {module}.{function} by {}",
                parent.map_or_else(|| "the host".to_owned(), |p| p.to_string())
            ),
        ),
        EventKind::Exited { reason } => (Color::Red, format!("exited: {reason}")),
        EventKind::Linked { other } => (Color::Reset, format!("linked to {other}")),
        EventKind::Unlinked { other } => (Color::Reset, format!("unlinked from {other}")),
        EventKind::Registered { name } => (Color::Reset, format!("registered as #{name}")),
        EventKind::Unregistered { name } => (Color::Reset, format!("unregistered #{name}")),
        EventKind::Restarted {
            child,
            old,
            new,
            reason,
            restarts,
            ..
        } => (
            Color::Yellow,
            format!(
                "restarted {child}: {} -> {new} after {reason} (restart {restarts})",
                old.map_or_else(|| "-".to_owned(), |p| p.to_string())
            ),
        ),
        EventKind::LimitHit { limit, value } => (
            Color::Magenta,
            format!("{limit} hit ({})", limit.amount(*value)),
        ),
        EventKind::GaveUp { reason } => (Color::Red, format!("supervisor gave up: {reason}")),
        EventKind::Loaded { module, version } => {
            (Color::Cyan, format!("loaded {module}@{version}"))
        }
        EventKind::Upgraded {
            from,
            to,
            micros,
            state_bytes,
        } => (
            Color::Cyan,
            format!(
                "upgraded {from} -> {to} in {} (state {})",
                grain::quantity::micros(*micros),
                grain::quantity::bytes(*state_bytes)
            ),
        ),
        EventKind::UpgradeFailed { to, reason } => (
            Color::Yellow,
            format!("upgrade to {to} rolled back: {reason}"),
        ),
        EventKind::Purged {
            module,
            versions,
            ended,
        } => {
            let versions: Vec<String> = versions.iter().map(|v| format!("{module}@{v}")).collect();
            let versions = if versions.is_empty() {
                format!("{module}: no old versions")
            } else {
                versions.join(", ")
            };
            (Color::Magenta, format!("purged {versions}, ended {ended}"))
        }
        EventKind::Alert { alert } => (Color::LightRed, format!("ALERT {alert}")),
        EventKind::NodeUp { node, name } => (Color::Green, format!("node {name} ({node}) up")),
        EventKind::NodeDown { node, name, reason } => {
            (Color::Red, format!("node {name} ({node}) down: {reason}"))
        }
    }
}

/// One event as a line: time, pid, what happened.
pub fn line(e: &Event) -> Line<'static> {
    let (colour, text) = what(e);
    Line::from(vec![
        Span::raw(format!(
            "{:>8} {:<9} ",
            fmt::secs(e.at_us),
            e.pid.to_string()
        )),
        Span::styled(text, Style::new().fg(colour)),
    ])
}
