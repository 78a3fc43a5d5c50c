//! The header: what is watched and how fresh it is (live, behind, paused, a replay, ended),
//! then the whole node's counters — its processes, resident set and the memory its
//! processes hold — whatever rows the table shows.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::fmt;
use crate::model::{BEHIND_MS, Model};

/// The two header lines, fitted to `width` (the less important figures go first).
pub fn lines(m: &Model, width: u16) -> Vec<Line<'static>> {
    let t = m.shown();
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut first = vec![
        Span::styled("grain observe ", bold),
        Span::raw(m.title.clone()),
        Span::raw(" "),
        mode(m),
        Span::raw(format!(" up {}", fmt::secs(t.at_us))),
    ];
    if m.look_only {
        first.push(Span::styled(" look-only", Style::new().fg(Color::Cyan)));
    }
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
    // Narrow, the program's name goes first: what is watched and how fresh stay.
    let wide: usize = first.iter().map(|s| s.content.chars().count()).sum();
    if wide > width as usize {
        first.remove(0);
    }
    // (priority, label, value): the lowest priority is dropped first when narrow.
    let mut figures: Vec<(u8, &str, String)> = vec![(
        0,
        "procs ",
        format!(
            "{} alive, {} spawned, {} exited",
            t.totals.alive, t.totals.spawned, t.totals.exited
        ),
    )];
    figures.push((3, "fuel/s ", fmt::count(t.fuel_per_s())));
    if t.totals.rss_bytes > 0 {
        figures.push((1, "RSS ", fmt::bytes(t.totals.rss_bytes)));
    }
    figures.push((2, "proc mem ", fmt::bytes(t.memory())));
    figures.push((4, "dropped ", t.totals.dropped_events.to_string()));
    if let Some((cpu, used, total)) = m.host {
        let host = format!(
            "cpu {cpu:.0}% mem {}/{}",
            fmt::bytes(used),
            fmt::bytes(total)
        );
        figures.push((5, "host ", host));
    }
    let len = |f: &[(u8, &str, String)]| {
        f.iter()
            .map(|(_, l, v)| l.chars().count() + v.chars().count() + 2)
            .sum::<usize>()
            .saturating_sub(2)
    };
    while figures.len() > 1 && len(&figures) > width as usize {
        let low = (0..figures.len())
            .max_by_key(|&i| figures[i].0)
            .unwrap_or(0);
        figures.remove(low);
    }
    let mut second = Vec::new();
    for (i, (_, label, value)) in figures.into_iter().enumerate() {
        let gap = if i == 0 { "" } else { "  " };
        second.push(Span::styled(format!("{gap}{label}"), bold));
        second.push(Span::raw(value));
    }
    vec![Line::from(first), Line::from(second)]
}

/// How fresh the data is: live, behind (no update for a while), paused, a replay, ended.
fn mode(m: &Model) -> Span<'static> {
    let on = |fg, bg| Style::new().fg(fg).bg(bg);
    match (m.scrub, m.ended) {
        (Some(i), _) => {
            let back = m.live.at_us.saturating_sub(m.shown().at_us);
            Span::styled(
                format!(
                    " PAUSED -{} ({}/{}) ",
                    fmt::secs(back),
                    i + 1,
                    m.history.len()
                ),
                on(Color::Black, Color::Yellow),
            )
        }
        (None, true) => Span::styled(" ENDED ", on(Color::White, Color::Red)),
        (None, false) if m.replay => Span::styled(" REPLAY ", on(Color::Black, Color::Magenta)),
        (None, false) if m.quiet_ms > BEHIND_MS => Span::styled(
            format!(" BEHIND: no update for {} ", fmt::secs(m.quiet_ms * 1_000)),
            on(Color::Black, Color::Yellow),
        ),
        (None, false) => Span::styled(" LIVE ", on(Color::Black, Color::Green)),
    }
}
