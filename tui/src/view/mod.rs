//! `view`: draws the model. A pure function of the model and the frame's size.

mod cluster;
mod detail;
mod events;
pub mod fmt;
mod help;
mod processes;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::model::{Input, Model, Tab};

/// Draws the whole screen.
pub fn view(m: &Model, frame: &mut Frame) {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(Paragraph::new(header_lines(m)), header);
    match (m.detail, m.tab) {
        (Some(pid), _) => detail::draw(m, pid, frame, body),
        (None, Tab::Events) => events::draw(m, frame, body),
        (None, Tab::Cluster) => cluster::draw(m, frame, body),
        (None, _) => processes::draw(m, frame, body),
    }
    frame.render_widget(Paragraph::new(footer_line(m)), footer);
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

fn header_lines(m: &Model) -> Vec<Line<'static>> {
    let t = m.shown();
    let mode = match (m.scrub, m.ended) {
        (Some(i), _) => {
            let back = m.live.at_us.saturating_sub(t.at_us);
            Span::styled(
                format!(
                    " PAUSED -{} ({}/{}) ",
                    fmt::secs(back),
                    i + 1,
                    m.history.len()
                ),
                Style::new().fg(Color::Black).bg(Color::Yellow),
            )
        }
        (None, true) => Span::styled(" ENDED ", Style::new().fg(Color::White).bg(Color::Red)),
        (None, false) => Span::styled(" LIVE ", Style::new().fg(Color::Black).bg(Color::Green)),
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut first = vec![
        Span::styled("grain observe ", bold),
        Span::raw(m.title.clone()),
        Span::raw(" "),
        mode,
        Span::raw(format!(" up {}", fmt::secs(t.at_us))),
    ];
    if let Some(nodes) = &t.nodes {
        let (up, down) = nodes.counts();
        first.push(Span::styled(format!("  cluster {} ", nodes.cluster), bold));
        first.push(Span::raw(format!("{up} up")));
        if down > 0 {
            first.push(Span::styled(
                format!(", {down} down"),
                Style::new().fg(Color::Red),
            ));
        }
    }
    let first = Line::from(first);
    let mut second = vec![
        Span::styled("procs ", bold),
        Span::raw(format!(
            "{} alive, {} spawned, {} exited",
            t.totals.alive, t.totals.spawned, t.totals.exited
        )),
        Span::styled("  fuel/s ", bold),
        Span::raw(fmt::count(t.fuel_per_s())),
        Span::styled("  mem ", bold),
        Span::raw(fmt::bytes(t.memory())),
        Span::styled("  dropped ", bold),
        Span::raw(t.totals.dropped_events.to_string()),
    ];
    if let Some((cpu, used, total)) = m.host {
        second.push(Span::styled("  host ", bold));
        second.push(Span::raw(format!(
            "cpu {cpu:.0}% mem {}/{}",
            fmt::bytes(used),
            fmt::bytes(total)
        )));
    }
    vec![first, Line::from(second)]
}

fn footer_line(m: &Model) -> Line<'static> {
    let key = Style::new().fg(Color::Black).bg(Color::Cyan);
    match &m.input {
        Some(Input::Search(t)) => Line::from(vec![Span::styled("/", key), Span::raw(t.clone())]),
        Some(Input::Filter(t)) => Line::from(vec![
            Span::styled("filter:", key),
            Span::raw(format!(" {t}")),
        ]),
        None if !m.notice.is_empty() => Line::from(Span::styled(
            m.notice.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        None => {
            let mut spans = Vec::new();
            if !m.filter.is_empty() {
                spans.push(Span::styled(format!("filter: {}", m.filter), key));
                spans.push(Span::raw(" "));
            }
            if m.shown().nodes.is_some() {
                spans.push(Span::styled(" c ", key));
                spans.push(Span::raw(" cluster "));
            }
            for (k, what) in [
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
            ] {
                spans.push(Span::styled(format!(" {k} "), key));
                spans.push(Span::raw(format!(" {what} ")));
            }
            Line::from(spans)
        }
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
