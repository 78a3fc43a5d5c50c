//! The event log: spawns, exits with reasons, restarts, links, names, limits.

use grain::observe::{Event, EventKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fmt;
use crate::model::Model;

/// Draws the most recent events that fit, newest at the bottom.
pub fn draw(m: &Model, frame: &mut Frame, area: Rect) {
    let t = m.shown();
    let n = area.height as usize;
    let skip = t.events.len().saturating_sub(n);
    let lines: Vec<Line> = t.events.iter().skip(skip).map(line).collect();
    if lines.is_empty() {
        frame.render_widget(Paragraph::new("no events yet"), area);
    } else {
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// One event as a line: time, pid, what happened.
pub fn line(e: &Event) -> Line<'static> {
    let (colour, text) = match &e.kind {
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
        EventKind::LimitHit { limit, value } => (Color::Magenta, format!("{limit} hit ({value})")),
        EventKind::GaveUp { reason } => (Color::Red, format!("supervisor gave up: {reason}")),
        EventKind::NodeUp { node, name } => (Color::Green, format!("node {name} ({node}) up")),
        EventKind::NodeDown { node, name, reason } => {
            (Color::Red, format!("node {name} ({node}) down: {reason}"))
        }
    };
    Line::from(vec![
        Span::raw(format!(
            "{:>8} {:<9} ",
            fmt::secs(e.at_us),
            e.pid.to_string()
        )),
        Span::styled(text, Style::new().fg(colour)),
    ])
}
