//! The nodes the observer can watch: this process's runtime (through its shell) or a node
//! attached over its control socket.

use std::sync::mpsc;

use grain::Pid;
use grain::observe::{Observer, Update};
use grain_tui::{Model, Node, Recorder, Replay};

use crate::Shell;
use crate::control::{Client, ControlError, Endpoint};

/// The runtime a shell drives; `info` is the shell's own command.
pub struct LocalNode<'a> {
    shell: &'a mut Shell,
    observer: Observer,
    trace: crate::tracer::Tracer,
}

impl<'a> LocalNode<'a> {
    /// Watches `shell`'s runtime.
    pub fn new(shell: &'a mut Shell) -> Self {
        let observer = shell.rt.observe();
        LocalNode {
            shell,
            observer,
            trace: Default::default(),
        }
    }
}

impl Node for LocalNode<'_> {
    fn poll(&mut self) -> Option<Vec<Update>> {
        let mut updates = Vec::new();
        while let Some(u) = self.observer.try_next() {
            updates.push(u);
        }
        Some(updates)
    }

    fn kill(&mut self, pid: Pid) -> String {
        if self.shell.rt.kill(pid) {
            format!("killed {pid}")
        } else {
            format!("no process {pid}")
        }
    }

    fn trace(&mut self, pid: Pid, on: bool) -> String {
        crate::tracer::toggle(&self.trace, &self.shell.rt, pid, on)
    }

    fn trace_lines(&mut self) -> (Vec<String>, bool) {
        crate::tracer::lines_of(&self.trace)
    }

    fn info(&mut self, pid: Pid) -> String {
        let line = format!("info {pid}");
        let handle = tokio::runtime::Handle::current();
        match handle.block_on(self.shell.eval(&line)) {
            Ok(out) => out.text,
            Err(e) => e.message,
        }
    }
}

/// A node over its control socket: one connection streams updates, one asks.
pub struct RemoteNode {
    updates: mpsc::Receiver<Update>,
    requests: Client,
    ended: bool,
}

impl RemoteNode {
    /// Attaches to the node at `endpoint`.
    ///
    /// # Errors
    /// When the node cannot be reached or refuses.
    pub fn attach(endpoint: &Endpoint, token: Option<String>) -> Result<Self, ControlError> {
        let stream = Client::connect(endpoint, token.clone())?;
        let requests = Client::connect(endpoint, token)?;
        Ok(RemoteNode {
            updates: stream.subscribe()?,
            requests,
            ended: false,
        })
    }

    /// The node's name for itself.
    pub fn name(&self) -> &str {
        &self.requests.node
    }
}

impl Node for RemoteNode {
    fn poll(&mut self) -> Option<Vec<Update>> {
        let mut updates = Vec::new();
        loop {
            match self.updates.try_recv() {
                Ok(u) => updates.push(u),
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.ended = true;
                    break;
                }
            }
        }
        (!self.ended || !updates.is_empty()).then_some(updates)
    }

    fn kill(&mut self, pid: Pid) -> String {
        match self.requests.kill(pid) {
            Ok((text, _)) => text,
            Err(e) => e.to_string(),
        }
    }

    fn info(&mut self, pid: Pid) -> String {
        // Not `eval("info ...")`: that would open a shell session (a process) on the node.
        match self.requests.info(pid) {
            Ok((text, _)) => text,
            Err(e) => e.to_string(),
        }
    }

    fn trace(&mut self, pid: Pid, on: bool) -> String {
        match self.requests.trace(pid, on) {
            Ok((text, _)) => text,
            Err(e) => e.to_string(),
        }
    }

    fn trace_lines(&mut self) -> (Vec<String>, bool) {
        match self.requests.trace_lines() {
            Ok(got) => got,
            Err(e) => (vec![e.to_string()], true),
        }
    }

    fn look_only(&self) -> bool {
        !self.requests.changes
    }
}

/// Runs the observer on `node` in this terminal, recording to `record` if given.
///
/// # Errors
/// When the terminal fails or the recording cannot be written.
pub fn watch(
    node: &mut dyn Node,
    title: &str,
    record: Option<&std::path::Path>,
) -> std::io::Result<()> {
    let mut recorder = record.map(|p| Recorder::create(p, title)).transpose()?;
    let mut model = Model::new(title);
    grain_tui::run(node, &mut model, recorder.as_mut())
}

/// Plays a recording back in this terminal.
///
/// # Errors
/// When the file is not a recording or the terminal fails.
pub fn replay(path: &std::path::Path) -> std::io::Result<()> {
    let mut replay = Replay::open(path)?;
    let title = format!("replay of {} ({})", replay.title, path.display());
    watch(&mut replay, &title, None)
}
