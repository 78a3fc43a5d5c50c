//! One browser's websocket: its view, its rate, its frames. One frame is in flight at a
//! time; a tick that comes while a frame is still being sent is skipped (and counted), and
//! the next frame is cut from the latest state.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket};
use grain::Pid;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::{Interval, MissedTickBehavior};

use super::Shared;
use super::frame::{Sent, header};
use super::protocol::{ClientMsg, MAX_LIMIT, RATES, View, pid};
use super::window::{TreeCache, detail_window, events_window, process_window, tree_window};

/// The most browsers at once.
pub(crate) const MAX_CONNECTIONS: usize = 16;
/// The default rate of frames (ms).
pub(crate) const DEFAULT_RATE_MS: u64 = 250;
/// How often the detail asks the node what it says about its process.
const INFO_EVERY: Duration = Duration::from_secs(1);
/// The least time between two frames sent at once for a change of view.
const EAGER_GAP: Duration = Duration::from_millis(50);

/// What a blocking call to the node brought back.
enum Done {
    Info(Pid, String),
    Kill(String, bool),
}

/// A connection's state.
struct Conn {
    web: Arc<Shared>,
    view: View,
    paused: bool,
    sent: Sent,
    tree: TreeCache,
    events_after: Option<u64>,
    /// The window of the last frame and the hub's version it was cut at.
    window: Option<(u64, Value)>,
    /// What the node said about the detail's process (and its previous incarnation).
    info: Option<(Pid, String)>,
    before: Option<(Pid, String)>,
    /// The previous incarnation to ask about.
    want_before: Option<Pid>,
    before_asked: Option<Pid>,
    asked: Option<Instant>,
    /// Ticks missed while a frame was being sent.
    skipped: u64,
    last_send: Instant,
}

pub(crate) async fn run(mut socket: WebSocket, web: Arc<Shared>) {
    web.hub.connections.fetch_add(1, Relaxed);
    let _counted = Counted(web.clone());
    let hello = json!({"t": "hello", "title": web.config.title, "can_change": web.config.can_change,
        "rate_ms": DEFAULT_RATE_MS, "max_limit": MAX_LIMIT});
    let mut c = Conn {
        web: web.clone(),
        view: View::default(),
        paused: false,
        sent: Sent::default(),
        tree: TreeCache::default(),
        events_after: None,
        window: None,
        info: None,
        before: None,
        want_before: None,
        before_asked: None,
        asked: None,
        skipped: 0,
        last_send: Instant::now(),
    };
    let (done_tx, mut done_rx) = mpsc::unbounded_channel();
    let mut rate = Duration::from_millis(DEFAULT_RATE_MS);
    let mut tick = ticker(rate);
    let mut ok = send(&mut socket, &hello).await;
    while ok {
        let mut eager = false;
        tokio::select! {
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMsg>(&text) {
                    Ok(ClientMsg::View(view)) => {
                        c.set_view(view);
                        eager = true;
                    }
                    Ok(ClientMsg::Rate { ms }) => {
                        rate = Duration::from_millis(ms.clamp(RATES.0, RATES.1));
                        tick = ticker(rate);
                    }
                    Ok(ClientMsg::Pause { on }) => {
                        c.paused = on;
                        c.window = None;
                        eager = true;
                    }
                    Ok(ClientMsg::Kill { pid: p }) => {
                        if let Some(notice) = c.kill(&p, &done_tx) {
                            ok = send(&mut socket, &notice).await;
                        }
                    }
                    Err(e) => {
                        let notice = json!({"t": "notice", "ok": false, "text": format!("bad request: {e}")});
                        ok = send(&mut socket, &notice).await;
                    }
                },
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            done = done_rx.recv() => match done {
                Some(Done::Info(p, text)) => {
                    c.took_info(p, text);
                    eager = true;
                }
                Some(Done::Kill(text, good)) => {
                    ok = send(&mut socket, &json!({"t": "notice", "ok": good, "text": text})).await;
                }
                None => {}
            },
            _ = tick.tick() => {}
        }
        if !ok || (eager && c.last_send.elapsed() < EAGER_GAP) {
            continue;
        }
        c.ask_info(&done_tx);
        if let Some(frame) = c.frame() {
            let started = Instant::now();
            ok = send(&mut socket, &frame).await;
            c.last_send = Instant::now();
            c.skipped += (started.elapsed().as_millis() / rate.as_millis().max(1)) as u64;
        }
    }
}

fn ticker(rate: Duration) -> Interval {
    let mut tick = tokio::time::interval(rate);
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    tick
}

async fn send(socket: &mut WebSocket, v: &Value) -> bool {
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

impl Conn {
    fn set_view(&mut self, mut view: View) {
        view.limit = view.limit.clamp(1, MAX_LIMIT);
        if view.page != self.view.page || view.filter != self.view.filter {
            self.events_after = None;
        }
        if view.pid != self.view.pid {
            self.info = None;
            self.before = None;
            self.before_asked = None;
            self.asked = None;
        }
        self.view = view;
        self.window = None;
    }

    /// Kills `p` if this observer may change the node: the answer comes later. A refusal
    /// is the notice to send now.
    fn kill(&self, p: &str, done: &mpsc::UnboundedSender<Done>) -> Option<Value> {
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
    fn ask_info(&mut self, done: &mpsc::UnboundedSender<Done>) {
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

    fn took_info(&mut self, p: Pid, text: String) {
        if self.view.pid.as_deref().and_then(pid) == Some(p) {
            self.info = Some((p, text));
        } else {
            self.before = Some((p, text));
        }
        self.window = None;
    }

    /// The next frame, if the page lacks anything of it.
    fn frame(&mut self) -> Option<Value> {
        if self.paused && self.window.is_some() {
            return None;
        }
        let hub = self.web.hub.clone();
        let version = hub.version.load(Relaxed);
        let table = hub.table.read().unwrap_or_else(|e| e.into_inner());
        let head = header(&self.web, &hub, &table, self.paused, self.sent.is_fresh());
        let window = match &self.window {
            Some((v, w)) if *v == version => w.clone(),
            _ => self.cut(&table),
        };
        drop(table);
        // The events already sent are not sent again.
        let kept = match self.view.page.as_str() {
            "events" => {
                json!({"reset": false, "lines": [], "shown": window["shown"], "total": window["total"]})
            }
            _ => window.clone(),
        };
        self.window = Some((version, kept));
        let mut head = head;
        head["skipped"] = self.skipped.into();
        let frame = json!({"t": "frame", "page": self.view.page, "header": head, "window": window});
        self.sent.elide(frame)
    }

    /// The page's window, cut from the table now.
    fn cut(&mut self, table: &crate::table::Table) -> Value {
        match self.view.page.as_str() {
            "tree" => {
                let shape = self.web.hub.shape.load(Relaxed);
                tree_window(table, &self.view, shape, &mut self.tree)
            }
            "events" => {
                let (w, last) = events_window(table, &self.view.filter, self.events_after);
                self.events_after = last;
                w
            }
            "detail" => match self.view.pid.as_deref().and_then(pid) {
                Some(p) => {
                    let mut w = detail_window(table, p);
                    w["info"] = self.info.as_ref().map(|(_, t)| t.clone()).into();
                    let before = w["before"].as_str().and_then(pid);
                    match (&self.before, before) {
                        (Some((b, text)), Some(want)) if *b == want => {
                            w["before_info"] = text.clone().into();
                        }
                        (_, Some(want)) if self.before_asked != Some(want) => {
                            self.want_before = Some(want);
                            self.before_asked = Some(want);
                        }
                        _ => {}
                    }
                    w
                }
                None => json!({"error": "no such process"}),
            },
            _ => serde_json::to_value(process_window(table, &self.view)).unwrap_or(Value::Null),
        }
    }
}

/// Counts a connection while it lives.
struct Counted(Arc<Shared>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.hub.connections.fetch_sub(1, Relaxed);
    }
}
