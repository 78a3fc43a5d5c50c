//! The node's log of what matters, as Erlang's SASL crash reports: every trap (with its
//! folded backtrace), abnormal exit, supervisor restart and give-up, limit hit and node
//! going up or down, one structured line each, text or JSON.
//!
//! The log is one more subscriber of the observer data plane ([`Runtime::observe`]):
//! processes never wait for it. Its lines go through a bounded queue to a writer thread;
//! when the writer falls behind lines are dropped and counted ([`EventLog::dropped`]). In a
//! crash storm at most [`LogConfig::per_second`] lines of each kind are written a second;
//! then one line says how many similar lines were suppressed.

mod rate;
mod record;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{mpsc, oneshot};

use crate::Runtime;
use crate::observe::{Event, Update};
use rate::RateLimit;
pub use record::LogFormat;
use record::{Level, Names, Record};

/// Lines waiting for the writer thread; more are dropped and counted.
const QUEUE: usize = 4_096;

/// How the log writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogConfig {
    /// Text or JSON lines.
    pub format: LogFormat,
    /// The most lines of each kind (trap, restart, limit...) a second; 0 for no limit.
    pub per_second: u32,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            per_second: 20,
        }
    }
}

/// A running log. Dropping it stops the log (lines not yet written may be lost: call
/// [`EventLog::flush`] first).
pub struct EventLog {
    flush: mpsc::UnboundedSender<oneshot::Sender<()>>,
    dropped: Arc<AtomicU64>,
    rt: Runtime,
}

impl std::fmt::Debug for EventLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLog")
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

/// What goes to the writer thread.
enum Line {
    Text(String),
    Sync(oneshot::Sender<()>),
}

impl EventLog {
    /// Starts logging `rt`'s events to `out` (inside a tokio runtime).
    pub fn start(rt: &Runtime, out: Box<dyn Write + Send>, config: LogConfig) -> EventLog {
        let (lines, rx) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("grain-log".into())
            .spawn(move || write_lines(out, rx))
            .expect("cannot start the log's writer thread");
        let (flush, flushes) = mpsc::unbounded_channel();
        let dropped = Arc::new(AtomicU64::new(0));
        let epoch = SystemTime::now() - Duration::from_micros(rt.now_us());
        let state = State {
            config,
            epoch,
            names: Names::default(),
            rate: RateLimit::new(config.per_second),
            events_dropped: 0,
            lines,
            dropped: dropped.clone(),
        };
        tokio::spawn(state.run(rt.observe(), flushes));
        EventLog {
            flush,
            dropped,
            rt: rt.clone(),
        }
    }

    /// Waits until every event so far is written (and the summaries of suppressed lines).
    pub async fn flush(&self) {
        // A new subscriber makes the aggregator publish what is pending to the log first.
        let mut probe = self.rt.observe();
        let _ = probe.next().await;
        let (tx, rx) = oneshot::channel();
        if self.flush.send(tx).is_ok() {
            let _ = rx.await;
        }
    }

    /// Lines dropped because the writer fell behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }
}

struct State {
    config: LogConfig,
    /// The wall clock when the runtime started (events are stamped from there).
    epoch: SystemTime,
    names: Names,
    rate: RateLimit,
    /// Observer events dropped as of the last update.
    events_dropped: u64,
    lines: mpsc::Sender<Line>,
    dropped: Arc<AtomicU64>,
}

impl State {
    async fn run(
        mut self,
        mut observer: crate::observe::Observer,
        mut flushes: mpsc::UnboundedReceiver<oneshot::Sender<()>>,
    ) {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tokio::select! {
                update = observer.next() => match update {
                    Some(update) => self.update(update),
                    None => break,
                },
                flush = flushes.recv() => {
                    let Some(done) = flush else { break };
                    while let Some(update) = observer.try_next() {
                        self.update(update);
                    }
                    let mut out = Vec::new();
                    self.rate.flush(None, &mut out);
                    self.write_all(out, SystemTime::now());
                    let _ = self.lines.send(Line::Sync(done)).await;
                }
                _ = tick.tick() => {
                    let mut out = Vec::new();
                    self.rate.flush(Some(Instant::now()), &mut out);
                    self.write_all(out, SystemTime::now());
                }
            }
        }
        let mut out = Vec::new();
        self.rate.flush(None, &mut out);
        self.write_all(out, SystemTime::now());
    }

    fn update(&mut self, update: Update) {
        let (events, totals) = match update {
            Update::Full(s) => (s.events, s.totals),
            Update::Delta(d) => (d.events, d.totals),
        };
        for event in &events {
            self.event(event);
        }
        if totals.dropped_events > self.events_dropped {
            let n = totals.dropped_events - self.events_dropped;
            self.events_dropped = totals.dropped_events;
            let record = Record {
                level: Level::Warn,
                event: "dropped",
                fields: vec![
                    ("events", n.to_string()),
                    ("total", totals.dropped_events.to_string()),
                    ("message", "observers fell behind: events dropped".into()),
                ],
            };
            self.admit(record, SystemTime::now());
        }
    }

    fn event(&mut self, event: &Event) {
        let name = self.names.name(event);
        if let Some(record) = record::record(event, name) {
            self.admit(record, self.epoch + Duration::from_micros(event.at_us));
        }
    }

    fn admit(&mut self, record: Record, at: SystemTime) {
        let mut out = Vec::new();
        let admitted = self.rate.admit(&record, Instant::now(), &mut out);
        if admitted {
            out.push(record);
        }
        self.write_all(out, at);
    }

    fn write_all(&self, records: Vec<Record>, at: SystemTime) {
        let ts = record::timestamp(at);
        for record in records {
            let line = record.render(&ts, self.config.format);
            if self.lines.try_send(Line::Text(line)).is_err() {
                self.dropped.fetch_add(1, Relaxed);
            }
        }
    }
}

/// The writer thread: writes lines as they come, flushing when the queue is empty.
fn write_lines(mut out: Box<dyn Write + Send>, mut rx: mpsc::Receiver<Line>) {
    while let Some(line) = rx.blocking_recv() {
        let mut next = Some(line);
        while let Some(line) = next.take() {
            match line {
                Line::Text(text) => {
                    let _ = writeln!(out, "{text}");
                }
                Line::Sync(done) => {
                    let _ = out.flush();
                    let _ = done.send(());
                }
            }
            next = rx.try_recv().ok();
        }
        let _ = out.flush();
    }
}
