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
    ("/  n", "search, next match"),
    ("\\", "filter rows as you type"),
    ("< >  I", "sort column, invert"),
    ("space", "pause / go live"),
    ("[ ]", "scrub back / forward in time"),
    ("k", "kill the selected process (y to confirm)"),
    ("?", "this help"),
    ("q  Ctrl-C", "quit"),
];

/// Draws the help over `area`.
pub fn draw(frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| Line::from(format!("{k:>16}  {what}")))
        .collect();
    let h = lines.len() as u16 + 2;
    popup(frame, centred(area, 62, h), " keys (Esc closes) ", lines);
}
