//! `update`: how the model answers keys and data. Pure: no terminal, no node.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use grain::Pid;
use grain::observe::Update;

use crate::model::{Column, Input, Model, Tab, matches};

/// What can happen to the model.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key was pressed.
    Key(KeyEvent),
    /// The node sent an update.
    Update(Update),
    /// The node answered `info` about a process.
    Info(Pid, String),
    /// Something to tell the user (the result of a kill, an error).
    Notice(String),
    /// Host CPU (percent) and memory (used, total bytes).
    Host(f32, u64, u64),
    /// The node's stream ended.
    Ended,
    /// This long (ms) has passed since the node's last update.
    Since(u64),
    /// New lines of the trace; `true` when the trace stopped (its last line says why).
    Trace(Vec<String>, bool),
}

/// What the model asks of the node or the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Leave the observer.
    Quit,
    /// Kill this process.
    Kill(Pid),
    /// Fetch `info` about this process.
    Info(Pid),
    /// Start (`true`) or stop tracing this process (one trace at a time: starting one
    /// stops the last).
    Trace(Pid, bool),
}

/// Folds one message into the model.
pub fn update(m: &mut Model, msg: Msg) -> Option<Action> {
    match msg {
        Msg::Key(key) => key_pressed(m, key),
        Msg::Update(u) => {
            m.quiet_ms = 0;
            m.live.apply(&u);
            m.history.push(u);
            if m.scrub.is_none() {
                m.reorder();
            }
            m.detail.filter(|_| m.scrub.is_none()).map(Action::Info)
        }
        Msg::Info(pid, text) => {
            if m.detail == Some(pid) {
                if m.infos.len() == m.history.len().max(1) {
                    m.infos.pop_front();
                }
                m.infos.push_back((m.live.at_us, text.clone()));
                m.detail_text = text;
            }
            None
        }
        Msg::Notice(text) => {
            m.notice = text;
            None
        }
        Msg::Host(cpu, used, total) => {
            m.host = Some((cpu, used, total));
            None
        }
        Msg::Since(ms) => {
            m.quiet_ms = ms;
            None
        }
        Msg::Trace(lines, stopped) => {
            m.trace.push(lines);
            if stopped {
                m.trace.pid = None;
            }
            None
        }
        Msg::Ended => {
            m.ended = true;
            m.notice = "the node is gone; the last state stays on screen".into();
            None
        }
    }
}

fn key_pressed(m: &mut Model, key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if let Some(input) = m.input.take() {
        return crate::input::typing(m, input, key.code);
    }
    if let Some(pid) = m.confirm_kill.take() {
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            m.notice = format!("killing {pid}");
            return Some(Action::Kill(pid));
        }
        m.notice = "kill cancelled".into();
        return None;
    }
    if m.help {
        m.help = !matches!(key.code, KeyCode::Esc | KeyCode::Char('?' | 'q'));
        return None;
    }
    if m.tab == Tab::Events && m.detail.is_none() && crate::events::key(m, key.code) {
        return None;
    }
    match key.code {
        KeyCode::Char('q') => return Some(Action::Quit),
        KeyCode::Esc if m.detail.is_some() => m.detail = None,
        KeyCode::Esc => {
            m.filter.clear();
            m.reorder();
        }
        KeyCode::Char('?') => m.help = true,
        KeyCode::Down | KeyCode::Char('j') => move_by(m, 1),
        KeyCode::Up => move_by(m, -1),
        KeyCode::PageDown => move_by(m, 20),
        KeyCode::PageUp => move_by(m, -20),
        KeyCode::Home | KeyCode::Char('g') => m.selected = 0,
        KeyCode::End | KeyCode::Char('G') => m.selected = m.order.len().saturating_sub(1),
        KeyCode::Char('k') | KeyCode::Enter if m.tab == Tab::Cluster => {
            m.notice = "the cluster view lists nodes: c goes back to the processes".into();
        }
        KeyCode::Char('k') if m.look_only => {
            m.notice = "look-only connection: cannot kill".into();
        }
        KeyCode::Char('k') => match m.selected_pid() {
            Some(pid) if m.scrub.is_none() && !m.ended => {
                m.confirm_kill = Some(pid);
                m.notice = format!("kill {pid}? y/n");
            }
            Some(_) => m.notice = "cannot kill the past: go live first (space)".into(),
            None => {}
        },
        KeyCode::Char('T') => return trace_key(m),
        KeyCode::Enter => {
            let pid = m.detail.or(m.selected_pid())?;
            m.detail = Some(pid);
            m.detail_text = String::new();
            m.infos.clear();
            return Some(Action::Info(pid));
        }
        KeyCode::Char('/') => m.input = Some(Input::Search(String::new())),
        KeyCode::Char('\\') => m.input = Some(Input::Filter(m.filter.clone())),
        KeyCode::Char('n') => search_next(m),
        // A new column sorts its own way: biggest first for a resource.
        KeyCode::Char('<') => resort(m, m.sort.step(false, in_cluster(m)), false),
        KeyCode::Char('>') => resort(m, m.sort.step(true, in_cluster(m)), false),
        KeyCode::Char('I') => resort(m, m.sort, !m.invert),
        KeyCode::Char('t') => switch(
            m,
            if m.tab == Tab::Tree {
                Tab::Processes
            } else {
                Tab::Tree
            },
        ),
        KeyCode::Char('e') => switch(
            m,
            if m.tab == Tab::Events {
                Tab::Processes
            } else {
                Tab::Events
            },
        ),
        KeyCode::Char('c') => switch(
            m,
            if m.tab == Tab::Cluster {
                Tab::Processes
            } else {
                Tab::Cluster
            },
        ),
        KeyCode::Tab => switch(
            m,
            match m.tab {
                Tab::Processes => Tab::Tree,
                Tab::Tree => Tab::Events,
                Tab::Events if in_cluster(m) => Tab::Cluster,
                Tab::Events | Tab::Cluster => Tab::Processes,
            },
        ),
        KeyCode::Char('-') | KeyCode::Left if m.tab == Tab::Tree => fold(m, true),
        KeyCode::Char('+') | KeyCode::Right if m.tab == Tab::Tree => fold(m, false),
        KeyCode::Char(' ') => {
            if m.scrub.is_some() {
                go_live(m);
            } else if !m.history.is_empty() {
                scrub_to(m, m.history.len() - 1);
            }
        }
        KeyCode::Char('[') => {
            let at = m.scrub.unwrap_or(m.history.len().saturating_sub(1));
            if !m.history.is_empty() {
                scrub_to(m, at.saturating_sub(1));
            }
        }
        KeyCode::Char(']') => match m.scrub {
            Some(at) if at + 1 < m.history.len() => scrub_to(m, at + 1),
            Some(_) => go_live(m),
            None => {}
        },
        _ => {}
    }
    None
}

/// `T`: trace the process in the detail (or the selected one), or stop its trace.
fn trace_key(m: &mut Model) -> Option<Action> {
    let pid = m.detail.or(m.selected_pid())?;
    if m.replay || m.ended || m.scrub.is_some() {
        m.notice = "cannot trace the past: go live first (space)".into();
        return None;
    }
    if m.trace.pid == Some(pid) {
        m.trace.pid = None;
        return Some(Action::Trace(pid, false));
    }
    m.trace.pid = Some(pid);
    if m.trace.of != Some(pid) {
        m.trace.lines.clear();
    }
    m.trace.of = Some(pid);
    m.detail = Some(pid);
    m.detail_text.clear();
    m.infos.clear();
    Some(Action::Trace(pid, true))
}

/// Does the node shown belong to a cluster?
fn in_cluster(m: &Model) -> bool {
    m.shown().nodes.is_some()
}

fn move_by(m: &mut Model, by: isize) {
    let last = m.order.len().saturating_sub(1) as isize;
    m.selected = (m.selected as isize + by).clamp(0, last.max(0)) as usize;
}

fn resort(m: &mut Model, column: Column, invert: bool) {
    m.sort = column;
    m.invert = invert;
    m.reorder();
}

fn switch(m: &mut Model, tab: Tab) {
    m.tab = tab;
    m.detail = None;
    m.reorder();
}

fn fold(m: &mut Model, fold: bool) {
    if let Some(pid) = m.selected_pid() {
        if fold {
            m.folded.insert(pid);
        } else {
            m.folded.remove(&pid);
        }
        m.reorder();
    }
}

pub(crate) fn search_next(m: &mut Model) {
    if m.search.is_empty() {
        return;
    }
    let table = m.shown();
    let n = m.order.len();
    let hit = (1..=n).map(|k| (m.selected + k) % n).find(|&i| {
        table
            .rows
            .get(&m.order[i].0)
            .is_some_and(|r| matches(r, &m.search))
    });
    match hit {
        Some(i) => m.selected = i,
        None => m.notice = format!("no process matches {:?}", m.search),
    }
}

fn scrub_to(m: &mut Model, at: usize) {
    m.scrub = Some(at);
    m.frozen = Some(m.history.at(at));
    m.reorder();
}

fn go_live(m: &mut Model) {
    m.scrub = None;
    m.frozen = None;
    m.reorder();
}
