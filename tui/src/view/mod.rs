//! `view`: draws the model. A pure function of the model and the frame's size.

mod cluster;
mod detail;
mod events;
pub mod fmt;
mod footer;
mod header;
mod help;
mod processes;
mod trace;

pub(crate) use events::what;
pub(crate) use processes::{call_name, texts};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::model::{Model, Tab};

/// Draws the whole screen.
pub fn view(m: &Model, frame: &mut Frame) {
    let width = frame.area().width;
    let footer_lines = footer::lines(m, width);
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(footer_lines.len() as u16),
    ])
    .areas(frame.area());
    frame.render_widget(Paragraph::new(header::lines(m, width)), header);
    match (m.detail, m.tab) {
        (Some(pid), _) => detail::draw(m, pid, frame, body),
        (None, Tab::Events) => events::draw(m, frame, body),
        (None, Tab::Cluster) => cluster::draw(m, frame, body),
        (None, _) => processes::draw(m, frame, body),
    }
    frame.render_widget(Paragraph::new(footer_lines), footer);
    if let Some(pid) = m.confirm_kill {
        let area = centred(body, 40, 3);
        popup(
            frame,
            area,
            "kill",
            vec![Line::from(format!("Kill {pid}? y/n"))],
        );
    }
    if m.help {
        help::draw(frame, body);
    }
}

/// A centred rectangle of at most `w` × `h` inside `area`.
fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Draws `lines` in a bordered box over `area`.
fn popup(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>) {
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title.to_owned())),
        area,
    );
}
