//! The trace pane of the detail view: what the process's trace said, newest at the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::model::Model;

/// Does the detail of `pid` show a trace pane?
pub fn shown(m: &Model, pid: grain::Pid) -> bool {
    m.trace.of == Some(pid) && (m.trace.pid.is_some() || !m.trace.lines.is_empty())
}

/// Draws the trace pane into `area`: as many of the newest lines as fit.
pub fn draw(m: &Model, frame: &mut Frame, area: Rect) {
    let room = area.height.saturating_sub(2) as usize;
    let skip = m.trace.lines.len().saturating_sub(room);
    let mut lines: Vec<Line> = m
        .trace
        .lines
        .iter()
        .skip(skip)
        .map(|l| Line::from(l.clone()))
        .collect();
    if lines.is_empty() {
        lines.push(Line::from("waiting for the first event..."));
    }
    let Some(pid) = m.trace.of else {
        return;
    };
    let title = if m.trace.pid.is_some() {
        format!(" trace of {pid} (T stops; it stops itself after 100 events or 1000/s) ")
    } else {
        format!(" trace of {pid} (stopped; T traces again) ")
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        area,
    );
}
