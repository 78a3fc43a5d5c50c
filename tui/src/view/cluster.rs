//! The cluster view: every node with its state, how long it has been so, its processes,
//! messages per second, round trip and why it is down; below, the log of node ups and
//! downs.

use grain::cluster::NodeStatus;
use grain::observe::{Event, EventKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::fmt;
use crate::model::Model;
use crate::nodes::Nodes;

const HEADINGS: [&str; 9] = [
    "ID",
    "NAME",
    "STATE",
    "SINCE",
    "PROCS",
    "MSG/S",
    "RTT",
    "TAGS",
    "DOWN REASON",
];
/// The widths of every column but the last (why a node is down), which takes the rest.
const WIDTHS: [u16; 8] = [5, 10, 10, 8, 7, 7, 8, 12];

/// Draws the nodes and, under them, the most recent ups and downs that fit.
pub fn draw(m: &Model, frame: &mut Frame, area: Rect) {
    let t = m.shown();
    let Some(nodes) = &t.nodes else {
        let text = "not in a cluster: watch one with grain observe --nats URL --cluster NAME";
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    let table_height = (nodes.nodes.len() as u16 + 1).max(2);
    let [top, gap, bottom] = Layout::vertical([
        Constraint::Length(table_height),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area);
    let now_ms = nodes.clock_ms(t.at_us);
    let header = Row::new(HEADINGS.iter().map(|h| Cell::from(*h)))
        .style(Style::new().fg(Color::Black).bg(Color::Cyan));
    let rows = nodes.nodes.values().map(|n| node_row(nodes, n, now_ms));
    let widths = WIDTHS
        .iter()
        .map(|w| Constraint::Length(*w))
        .chain([Constraint::Fill(1)]);
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        top,
    );
    let (up, down) = nodes.counts();
    let title = format!("node ups and downs ({up} up, {down} down)");
    frame.render_widget(Paragraph::new(Line::from(title)), gap);
    let n = bottom.height as usize;
    let skip = nodes.log.len().saturating_sub(n);
    let lines: Vec<Line> = nodes.log.iter().skip(skip).map(log_line).collect();
    if lines.is_empty() {
        frame.render_widget(Paragraph::new("  none yet"), bottom);
    } else {
        frame.render_widget(Paragraph::new(lines), bottom);
    }
}

fn node_row(nodes: &Nodes, n: &NodeStatus, now_ms: u64) -> Row<'static> {
    let (state, colour) = match (n.up, nodes.this == Some(n.id)) {
        (true, true) => ("up (this)", Color::Green),
        (true, false) => ("up", Color::Green),
        (false, _) => ("down", Color::Red),
    };
    let since = if n.up {
        Some(n.up_since_ms)
    } else {
        n.down_since_ms
    };
    let since = since.map_or_else(|| "-".to_owned(), |s| ago(now_ms.saturating_sub(s)));
    let tags: Vec<String> = n.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let rate = nodes.rate.get(&n.id).copied().unwrap_or(0);
    Row::new(vec![
        Cell::from(n.id.to_string()),
        Cell::from(n.name.clone()),
        Cell::from(Span::styled(state, Style::new().fg(colour))),
        Cell::from(since),
        Cell::from(n.processes.to_string()),
        Cell::from(fmt::count(rate)),
        Cell::from(n.rtt_us.map_or_else(|| "-".to_owned(), rtt)),
        Cell::from(tags.join(",")),
        Cell::from(n.down_reason.clone().unwrap_or_default()),
    ])
}

/// A duration in ms, short: `4.2s`, `3m05s`, `2h07m`.
pub fn ago(ms: u64) -> String {
    let s = ms / 1_000;
    match s {
        0..60 => format!("{:.1}s", ms as f64 / 1e3),
        60..3_600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3_600, s / 60 % 60),
    }
}

/// A round trip in µs, short: `850µs`, `1.2ms`.
pub fn rtt(us: u64) -> String {
    if us < 1_000 {
        format!("{us}µs")
    } else {
        format!("{:.1}ms", us as f64 / 1e3)
    }
}

/// One node up or down as a line of the log.
fn log_line(e: &Event) -> Line<'static> {
    let (colour, text) = match &e.kind {
        EventKind::NodeUp { node, name } => (Color::Green, format!("nodeup   {name} ({node})")),
        EventKind::NodeDown { node, name, reason } => {
            (Color::Red, format!("nodedown {name} ({node}): {reason}"))
        }
        _ => (Color::Reset, String::new()),
    };
    Line::from(vec![
        Span::raw(format!("{:>8}  ", fmt::secs(e.at_us))),
        Span::styled(text, Style::new().fg(colour)),
    ])
}
