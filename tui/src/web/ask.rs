//! What a connection asks of the node on a blocking thread (an attached node's control
//! client blocks): what it says about the detail's process, and kills.

use std::time::Instant;

use grain::Pid;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::conn::{Conn, INFO_EVERY};
use super::protocol::pid;

/// What a blocking call to the node brought back.
pub(super) enum Done {
    Info(Pid, String),
    Kill(String, bool),
}

impl Conn {
    /// Kills `p` if this observer may change the node: the answer comes later. A refusal
    /// is the notice to send now.
    pub(super) fn kill(&self, p: &str, done: &mpsc::UnboundedSender<Done>) -> Option<Value> {
        let refuse = |text: String| Some(json!({"t": "notice", "ok": false, "text": text}));
        if !self.web.config.can_change {
            return refuse("look-only: this observer may not change the node (start it with --web-allow-changes)".into());
        }
        let Some(target) = pid(p) else {
            return refuse(format!("not a pid: {p:?}"));
        };
        let (control, done) = (self.web.control.clone(), done.clone());
        tokio::task::spawn_blocking(move || {
            let (text, good) = match control.kill(target) {
                Ok(text) => (text, true),
                Err(text) => (text, false),
            };
            let _ = done.send(Done::Kill(text, good));
        });
        None
    }

    /// On the detail page, asks the node about the process (once a second) and about its
    /// previous incarnation (once).
    pub(super) fn ask_info(&mut self, done: &mpsc::UnboundedSender<Done>) {
        let Some(target) = self.view.pid.as_deref().and_then(pid) else {
            return;
        };
        if self.view.page != "detail" {
            return;
        }
        let mut ask: Vec<Pid> = self.want_before.take().into_iter().collect();
        if self.asked.is_none_or(|t| t.elapsed() >= INFO_EVERY) {
            self.asked = Some(Instant::now());
            ask.push(target);
        }
        if ask.is_empty() {
            return;
        }
        let (control, done) = (self.web.control.clone(), done.clone());
        tokio::task::spawn_blocking(move || {
            for p in ask {
                if done.send(Done::Info(p, control.info(p))).is_err() {
                    return;
                }
            }
        });
    }

    pub(super) fn took_info(&mut self, p: Pid, text: String) {
        if self.view.pid.as_deref().and_then(pid) == Some(p) {
            self.info = Some((p, text));
        } else {
            self.before = Some((p, text));
        }
        self.window = None;
    }
}
