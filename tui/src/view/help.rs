//! The help overlay: every key.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::{centred, popup};

/// The keys and what they do.
pub const KEYS: &[(&str, &str)] = &[
    ("↑ ↓ j PgUp PgDn", "move (k is kill, as in htop)"),
    ("Enter", "detail of the selected process"),
    ("Esc", "back; clears the filter"),
    ("t / e / Tab", "tree / events / next view"),
    ("c", "cluster: nodes, their ups and downs"),
    ("- + ← →", "fold / unfold a tree node"),
    ("/  n", "search, next match (events: older)"),
    ("\\", "filter rows / events as you type"),
    (
        "PgUp PgDn Home End",
        "events: scroll (stops following), End follows",
    ),
    ("< >  I", "sort column (biggest first), invert"),
    ("space", "pause / go live"),
    ("[ ]", "scrub back / forward in time"),
    ("k  T", "kill (y confirms) / trace it (T again stops)"),
    ("?", "this help"),
    ("q  Ctrl-C", "quit"),
];

/// Draws the help over `area`.
pub fn draw(frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| Line::from(format!("{k:>18}  {what}")))
        .collect();
    let h = lines.len() as u16 + 2;
    let title = " keys (Esc closes) · 1 fuel = 1 wasm instruction ";
    popup(frame, centred(area, 70, h), title, lines);
}
