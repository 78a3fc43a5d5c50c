//! The detail of one process: what the node says about it (`info`: links, monitors,
//! mailbox head, limits, permissions, the last trap's backtrace) and its sparklines.

use grain::Pid;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Sparkline, Wrap};

use super::fmt;
use crate::model::Model;

/// Draws the detail of `pid` into `area`.
pub fn draw(m: &Model, pid: Pid, frame: &mut Frame, area: Rect) {
    let t = m.shown();
    let [text_area, fuel_area, mem_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(3),
        Constraint::Length(3),
    ])
    .areas(area);
    let text_area = if super::trace::shown(m, pid) {
        let [info, trace] =
            Layout::vertical([Constraint::Min(3), Constraint::Percentage(50)]).areas(text_area);
        super::trace::draw(m, frame, trace);
        info
    } else {
        text_area
    };
    let mut lines: Vec<Line> = Vec::new();
    // Paused, every figure is of the paused moment: the table's and what the node said then.
    let when = if m.scrub.is_some() {
        format!("at {}", fmt::secs(t.at_us))
    } else {
        "now".to_owned()
    };
    match (t.rows.get(&pid), t.exit_of(pid)) {
        (Some(r), _) => lines.push(Line::from(format!(
            "{when}: fuel {} used, {} fuel/s  memory {} ({} queued messages)  mailbox {}  restarts {}",
            fmt::count(r.fuel_used),
            fmt::count(t.fuel_rate.get(&pid).copied().unwrap_or(0)),
            fmt::bytes(r.memory_bytes),
            fmt::bytes(r.mailbox_bytes),
            r.mailbox_len,
            r.restarts
        ))),
        (None, Some(reason)) => lines.push(Line::from(format!("{pid} ended: {reason}"))),
        (None, None) => lines.push(Line::from(format!("{pid} is not in this table"))),
    }
    if let Some(alert) = t.alerts.get(&pid) {
        lines.push(Line::styled(
            format!("ALERT {alert}"),
            ratatui::style::Style::new().fg(ratatui::style::Color::LightRed),
        ));
    }
    if let Some(nodes) = &t.nodes {
        let remote: Vec<String> = t
            .rows
            .get(&pid)
            .map(|r| r.links.iter().filter(|l| l.node() != pid.node()))
            .into_iter()
            .flatten()
            .map(|l| {
                let down = if nodes.is_down(l.node()) {
                    ", down"
                } else {
                    ""
                };
                format!("{l} (on {}{down})", nodes.node_of(*l))
            })
            .collect();
        let remote = if remote.is_empty() {
            "none".to_owned()
        } else {
            remote.join("  ")
        };
        lines.push(Line::from(format!(
            "on node {}  remote links: {remote}",
            nodes.node_of(pid)
        )));
    }
    let said = if m.scrub.is_some() {
        m.infos.iter().rev().find(|(at, _)| *at <= t.at_us)
    } else {
        m.infos.back()
    };
    match said {
        Some((at, text)) => {
            if m.scrub.is_some() {
                lines.push(Line::from(format!("the node said at {}:", fmt::secs(*at))));
            }
            lines.extend(text.lines().map(|l| Line::from(l.to_owned())));
        }
        None if m.scrub.is_some() => lines.push(Line::from(
            "the node was not asked about it by this moment (space goes live)",
        )),
        None => lines.push(Line::from("asking the node...")),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(format!(" {pid} (Esc: back) "))),
        text_area,
    );
    let spark = t.sparks.get(&pid).cloned().unwrap_or_default();
    let fuel: Vec<u64> = spark.fuel.iter().copied().collect();
    let mem: Vec<u64> = spark.memory.iter().copied().collect();
    let fuel_now = fmt::count(fuel.last().copied().unwrap_or(0));
    let mem_now = fmt::bytes(mem.last().copied().unwrap_or(0));
    frame.render_widget(
        Sparkline::default().data(&fuel).block(
            Block::bordered().title(format!(" fuel/s {fuel_now} (1 fuel = 1 wasm instruction) ")),
        ),
        fuel_area,
    );
    frame.render_widget(
        Sparkline::default()
            .data(&mem)
            .block(Block::bordered().title(format!(" memory {mem_now} "))),
        mem_area,
    );
}
