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
use super::ask::Done;
use super::frame::{Cut, Sent, header};
use super::protocol::{ClientMsg, MAX_LIMIT, RATES, View, pid};
use super::window::{TreeCache, detail_window, events_window, process_window, tree_window};
use crate::model::BEHIND_MS;

/// The most browsers at once.
pub(crate) const MAX_CONNECTIONS: usize = 16;
/// The default rate of frames (ms).
pub(crate) const DEFAULT_RATE_MS: u64 = 250;
/// How often the detail asks the node what it says about its process.
pub(super) const INFO_EVERY: Duration = Duration::from_secs(1);
/// The least time between two frames sent at once for a change of view.
const EAGER_GAP: Duration = Duration::from_millis(50);

/// A connection's state.
pub(super) struct Conn {
    pub(super) web: Arc<Shared>,
    pub(super) view: View,
    pub(super) paused: bool,
    pub(super) sent: Sent,
    pub(super) tree: TreeCache,
    pub(super) events_after: Option<u64>,
    /// The window of the last frame and the hub's content version it was cut at.
    pub(super) window: Option<(u64, Cut)>,
    /// What the last frame was built from (the hub's version and samples, freshness).
    pub(super) stamp: Option<Stamp>,
    /// What the node said about the detail's process (and its previous incarnation).
    pub(super) info: Option<(Pid, String)>,
    pub(super) before: Option<(Pid, String)>,
    /// The previous incarnation to ask about.
    pub(super) want_before: Option<Pid>,
    pub(super) before_asked: Option<Pid>,
    pub(super) asked: Option<Instant>,
    /// Ticks missed while a frame was being sent.
    pub(super) skipped: u64,
    pub(super) last_send: Instant,
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
        stamp: None,
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
            ok = send_text(&mut socket, frame).await;
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
    send_text(socket, v.to_string()).await
}

async fn send_text(socket: &mut WebSocket, text: String) -> bool {
    socket.send(Message::Text(text.into())).await.is_ok()
}

/// The hub's version and samples, whether the node ended, how long it has been quiet
/// (tenths of a second, once behind), ticks skipped.
type Stamp = (u64, u64, bool, Option<u128>, u64);

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

    /// The next frame, if the page lacks anything of it. Nothing is built when nothing
    /// it shows can have changed (no update, no second of the trend, the same freshness).
    fn frame(&mut self) -> Option<String> {
        if self.paused && self.window.is_some() {
            return None;
        }
        let hub = self.web.hub.clone();
        let version = hub.version.load(Relaxed);
        let quiet = hub.quiet();
        let behind = (quiet > Duration::from_millis(BEHIND_MS)).then_some(quiet.as_millis() / 100);
        let stamp = (
            version,
            hub.samples(),
            hub.ended.load(Relaxed),
            behind,
            self.skipped,
        );
        if self.window.is_some() && self.stamp == Some(stamp) {
            return None;
        }
        self.stamp = Some(stamp);
        let table = hub.table.read().unwrap_or_else(|e| e.into_inner());
        let mut head = header(&self.web, &hub, &table, self.paused, self.sent.is_fresh());
        let content = hub.content.load(Relaxed);
        let fresh = match self.window.take() {
            Some((v, cut)) if v == content => cut,
            _ => Cut::of(self.cut(&table)),
        };
        drop(table);
        head["skipped"] = self.skipped.into();
        let frame = self.sent.frame(&self.view.page, &head, &fresh);
        // The events sent are not sent again.
        let mut kept = fresh;
        if self.view.page == "events" {
            kept.meta.insert("lines".into(), json!([]));
            kept.meta.insert("reset".into(), false.into());
        }
        self.window = Some((content, kept));
        frame
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
