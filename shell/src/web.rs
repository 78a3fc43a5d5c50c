//! The nodes the web observer watches: this process's runtime, or a node attached over its
//! control socket (the updates stream on one connection, `info` and kill go on another).

use std::sync::Mutex;

use grain::observe::Update;
use grain::{Pid, Runtime};
use grain_tui::web::Control;
use tokio::sync::mpsc;

use crate::control::{Client, ControlError, Endpoint};

/// This process's runtime: `info` is the shell's, a kill is the runtime's.
pub struct LocalControl {
    rt: Runtime,
}

impl LocalControl {
    /// Answers for `rt`.
    pub fn new(rt: Runtime) -> Self {
        LocalControl { rt }
    }
}

impl Control for LocalControl {
    fn info(&self, pid: Pid) -> String {
        crate::commands::info_text(&self.rt, pid)
            .map_or_else(|| format!("no process {pid}"), |(text, _)| text)
    }

    fn kill(&self, pid: Pid) -> Result<String, String> {
        if self.rt.kill(pid) {
            Ok(format!("killed {pid}"))
        } else {
            Err(format!("no process {pid}"))
        }
    }
}

/// A node over its control socket; the node's own policy decides what this connection may
/// change.
pub struct RemoteControl {
    client: Mutex<Client>,
}

impl Control for RemoteControl {
    fn info(&self, pid: Pid) -> String {
        let mut client = self.client.lock().unwrap_or_else(|e| e.into_inner());
        match client.info(pid) {
            Ok((text, _)) => text,
            Err(e) => e.to_string(),
        }
    }

    fn kill(&self, pid: Pid) -> Result<String, String> {
        let mut client = self.client.lock().unwrap_or_else(|e| e.into_inner());
        match client.kill(pid) {
            Ok((text, true)) => Ok(text),
            Ok((text, false)) => Err(text),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// An attached node, ready to be served on the web.
pub struct Attached {
    /// Its updates (the channel closes when the node goes away).
    pub feed: mpsc::UnboundedReceiver<Update>,
    /// `info` and kill.
    pub control: RemoteControl,
    /// The node's name for itself.
    pub name: String,
    /// May this connection change the node (the node's control policy)?
    pub changes: bool,
}

/// Attaches to the node at `endpoint` (blocking: call it before, or beside, the server's
/// runtime).
///
/// # Errors
/// When the node cannot be reached or refuses.
pub fn attach(endpoint: &Endpoint, token: Option<String>) -> Result<Attached, ControlError> {
    let stream = Client::connect(endpoint, token.clone())?;
    let requests = Client::connect(endpoint, token)?;
    let updates = stream.subscribe()?;
    let (tx, feed) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        while let Ok(update) = updates.recv() {
            if tx.send(update).is_err() {
                return;
            }
        }
    });
    Ok(Attached {
        feed,
        name: requests.node.clone(),
        changes: requests.changes,
        control: RemoteControl {
            client: Mutex::new(requests),
        },
    })
}
