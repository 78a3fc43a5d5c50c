//! The process table and the tree view: only the rows on screen are built.

use grain::Pid;
use grain::observe::ProcessRow;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::fmt;
use crate::model::{Column, Model, Tab, state};

/// Each column's width: wide enough for its longest value with its unit (`1024MiB/1024MiB`,
/// `1234.5G`), so a unit is never cut; a narrow terminal drops whole columns instead.
const WIDTHS: [u16; 11] = [12, 12, 22, 8, 7, 7, 15, 5, 4, 22, 8];
/// The widest the tree's first column grows (branch lines, child id, pid).
const TREE_MAX: u16 = 40;
/// Which columns stay when the terminal is narrow, most important first.
const PRIORITY: [usize; 11] = [0, 10, 2, 3, 4, 6, 8, 7, 1, 5, 9];
/// The node column's index: shown in a cluster only, next to the pid.
const NODE: usize = 10;

/// The columns that fit in `width`, in their order on screen.
fn fitting(widths: &[u16; 11], width: u16, cluster: bool) -> Vec<usize> {
    let mut used = 0u16;
    let mut keep = Vec::new();
    for i in PRIORITY.into_iter().filter(|&i| cluster || i != NODE) {
        let need = widths[i] + u16::from(!keep.is_empty());
        if used + need <= width || keep.is_empty() {
            used += need;
            keep.push(i);
        }
    }
    // On screen the node comes right after the pid.
    keep.sort_unstable_by_key(|&i| if i == NODE { 1 } else { 2 * i });
    keep
}

/// Draws the table (or tree) into `area`.
pub fn draw(m: &Model, frame: &mut Frame, area: Rect) {
    let t = m.shown();
    if m.order.is_empty() {
        let text = if t.rows.is_empty() {
            "no processes (yet): spawn one, or wait for the node".to_owned()
        } else {
            format!(
                "no process matches the filter {:?} (Esc clears it)",
                m.filter
            )
        };
        frame.render_widget(Paragraph::new(Line::from(text)), area);
        return;
    }
    let height = area.height.saturating_sub(1) as usize;
    let offset = (m.selected + 1).saturating_sub(height.max(1));
    let mut widths = WIDTHS;
    if m.tab == Tab::Tree {
        let longest = (offset..(offset + height).min(m.order.len()))
            .map(|i| tree_label(m, i).chars().count() as u16)
            .max()
            .unwrap_or(0);
        widths[0] = longest.clamp(WIDTHS[0], TREE_MAX);
    }
    let columns = fitting(&widths, area.width, t.nodes.is_some());
    let header = Row::new(columns.iter().map(|&i| Column::ALL[i]).map(|c| {
        let mut title = c.title().to_owned();
        if c == m.sort && m.tab == Tab::Processes {
            // ▼: biggest (or last) first.
            title.push(if c.biggest_first() != m.invert {
                '▼'
            } else {
                '▲'
            });
        }
        Cell::from(title)
    }))
    .style(Style::new().fg(Color::Black).bg(Color::Cyan));
    let rows = m
        .order
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .filter_map(|(i, (pid, _))| {
            if m.link_rows.contains(&i) {
                let mut cells = link_cells(m, *pid, i);
                let shown = columns.iter().map(|&c| std::mem::take(&mut cells[c]));
                let mut style = Style::new().fg(Color::Magenta);
                if i == m.selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                return Some(Row::new(shown.collect::<Vec<_>>()).style(style));
            }
            let row = t.rows.get(pid)?;
            let mut style = Style::new();
            if t.flash.contains_key(pid) {
                style = style.fg(Color::Black).bg(Color::Yellow);
            } else if t.alerts.contains_key(pid) {
                style = style.fg(Color::LightRed).add_modifier(Modifier::BOLD);
            }
            if i == m.selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            let mut cells = cells(m, row, i);
            let shown = columns.iter().map(|&i| std::mem::take(&mut cells[i]));
            Some(Row::new(shown.collect::<Vec<_>>()).style(style))
        });
    let widths = columns.iter().map(|&i| Constraint::Length(widths[i]));
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        area,
    );
}

/// A remote link under its process in the tree: the linked pid, its node, and what the
/// table knows of it (a watcher has every node's rows).
fn link_cells(m: &Model, pid: Pid, i: usize) -> Vec<Cell<'static>> {
    let t = m.shown();
    let nodes = t.nodes.as_ref();
    let node = nodes.map_or_else(|| pid.node().to_string(), |n| n.node_of(pid));
    let down = nodes.is_some_and(|n| n.is_down(pid.node()));
    let what = match t.rows.get(&pid) {
        Some(r) => format!("{}.{}", r.code(), r.function),
        None if down => format!("on node {node} (down)"),
        None => format!("on node {node}"),
    };
    let mut cells = vec![Cell::from(""); Column::ALL.len()];
    cells[0] = Cell::from(tree_label(m, i));
    cells[1] = Cell::from("link");
    cells[2] = Cell::from(what);
    cells[NODE] = Cell::from(node);
    cells
}

/// The tree's first cell of row `i`: its branch lines, then (a remote link) `⇄ pid`, or
/// `+` when folded, its child id when a supervisor started it, and its pid.
fn tree_label(m: &Model, i: usize) -> String {
    let Some((pid, _)) = m.order.get(i) else {
        return String::new();
    };
    let branch = m.branches.get(i).map_or("", String::as_str);
    if m.link_rows.contains(&i) {
        return format!("{branch}⇄ {pid}");
    }
    let mark = if m.folded.contains(pid) { "+" } else { "" };
    let id = m
        .shown()
        .rows
        .get(pid)
        .and_then(|r| r.child_id.as_deref())
        .map_or_else(String::new, |id| format!("{id} "));
    format!("{branch}{mark}{id}{pid}")
}

fn cells(m: &Model, r: &ProcessRow, i: usize) -> Vec<Cell<'static>> {
    let mut texts = texts(m.shown(), r);
    if m.tab == Tab::Tree {
        texts[0] = tree_label(m, i);
    }
    texts.into_iter().map(Cell::from).collect()
}

/// A row's cells as text, one per [`Column::ALL`] (the terminal's and the web's).
pub(crate) fn texts(t: &crate::table::Table, r: &ProcessRow) -> Vec<String> {
    let name = r
        .names
        .first()
        .map_or_else(String::new, |n| format!("#{n}"));
    let max = r.memory_limit.map_or_else(|| "-".to_owned(), fmt::bytes);
    let restarts = if r.restarts == 0 {
        String::new()
    } else {
        r.restarts.to_string()
    };
    vec![
        r.pid.to_string(),
        name,
        format!("{}.{}", r.code(), r.function),
        state(r).to_owned(),
        fmt::count(t.fuel_rate.get(&r.pid).copied().unwrap_or(0)),
        fmt::count(r.fuel_used),
        format!("{}/{max}", fmt::bytes(r.memory_bytes)),
        r.mailbox_len.to_string(),
        restarts,
        r.host_call.map_or_else(String::new, |(call, since)| {
            format!(
                "{} {}",
                call_name(call),
                fmt::secs(t.at_us.saturating_sub(since))
            )
        }),
        t.nodes
            .as_ref()
            .map_or_else(String::new, |n| n.node_of(r.pid)),
    ]
}

/// A host call's name without the `lunatic::` prefix.
pub(crate) fn call_name(call: grain::observe::HostCall) -> &'static str {
    call.name().trim_start_matches("lunatic::")
}
