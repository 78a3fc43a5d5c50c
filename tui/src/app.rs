//! Driving the observer in a real terminal against a node.

use std::io::{self, Stdout};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use grain::Pid;
use grain::observe::Update;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::record::Recorder;
use crate::{Action, Model, Msg, update, view};

/// What the observer watches: a local runtime, a node over its control socket, a replay.
pub trait Node {
    /// The updates that arrived since the last call, without waiting; `None` once the
    /// stream has ended.
    fn poll(&mut self) -> Option<Vec<Update>>;
    /// Kills a process; returns what to tell the user.
    fn kill(&mut self, pid: Pid) -> String;
    /// What the node says about a process (the shell's `info`).
    fn info(&mut self, pid: Pid) -> String;
    /// Starts (`on`) or stops tracing a process, one at a time, with the shell's rails;
    /// returns what to tell the user.
    fn trace(&mut self, _pid: Pid, _on: bool) -> String {
        "this view cannot trace".into()
    }
    /// The trace's lines since the last call, and whether it stopped.
    fn trace_lines(&mut self) -> (Vec<String>, bool) {
        (Vec::new(), false)
    }
    /// May this connection only look (no kill)?
    fn look_only(&self) -> bool {
        false
    }
    /// Is it a recording played back?
    fn replaying(&self) -> bool {
        false
    }
}

/// Raw mode and the alternate screen, undone on drop (also when unwinding from a panic).
struct Screen {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl Screen {
    fn enter() -> io::Result<Self> {
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen) {
            let _ = disable_raw_mode();
            return Err(e);
        }
        let terminal = Terminal::new(CrosstermBackend::new(out))?;
        Ok(Screen { terminal })
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = disable_raw_mode();
        let _ = execute!(self.terminal.backend_mut(), LeaveAlternateScreen);
        let _ = self.terminal.show_cursor();
    }
}

/// Runs the observer until the user quits. Every update is also written to `recorder`.
///
/// # Errors
/// When the terminal cannot be set up or drawn to, or the recording cannot be written.
pub fn run(
    node: &mut dyn Node,
    model: &mut Model,
    mut recorder: Option<&mut Recorder>,
) -> io::Result<()> {
    let mut screen = Screen::enter()?;
    let mut probe = crate::host::HostProbe::default();
    let mut host_at: Option<Instant> = None;
    let mut heard = Instant::now();
    model.look_only = node.look_only();
    model.replay = node.replaying();
    loop {
        match node.poll() {
            Some(updates) => {
                for u in updates {
                    heard = Instant::now();
                    if let Some(r) = recorder.as_deref_mut() {
                        r.write(&u)?;
                    }
                    let action = update(model, Msg::Update(u));
                    act(node, model, action);
                }
            }
            None if !model.ended => {
                update(model, Msg::Ended);
            }
            None => {}
        }
        if host_at.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
            let host = probe.sample();
            update(model, Msg::Host(host.cpu, host.used, host.total));
            host_at = Some(Instant::now());
        }
        update(model, Msg::Since(heard.elapsed().as_millis() as u64));
        if model.trace.pid.is_some() {
            let (lines, stopped) = node.trace_lines();
            if !lines.is_empty() || stopped {
                update(model, Msg::Trace(lines, stopped));
            }
        }
        screen.terminal.draw(|f| view(model, f))?;
        if event::poll(Duration::from_millis(100))?
            && let Event::Key(key) = event::read()?
            && key.kind == KeyEventKind::Press
        {
            let action = update(model, Msg::Key(key));
            if action == Some(Action::Quit) {
                return Ok(());
            }
            act(node, model, action);
        }
    }
}

fn act(node: &mut dyn Node, model: &mut Model, action: Option<Action>) {
    match action {
        Some(Action::Kill(pid)) => {
            let notice = node.kill(pid);
            update(model, Msg::Notice(notice));
        }
        Some(Action::Info(pid)) => {
            let text = node.info(pid);
            update(model, Msg::Info(pid, text));
        }
        Some(Action::Trace(pid, on)) => {
            let notice = node.trace(pid, on);
            update(model, Msg::Notice(notice));
            if on {
                let text = node.info(pid);
                update(model, Msg::Info(pid, text));
            }
        }
        Some(Action::Quit) | None => {}
    }
}
