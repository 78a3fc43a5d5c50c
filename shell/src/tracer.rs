//! The shell's traces: started by `trace`, drained into the shell's pending output (and,
//! at an idle prompt, printed as they come), stopped by `trace off` or by their rails.

use std::sync::{Arc, Mutex, MutexGuard};

use grain::trace::{StopReason, Trace, TraceEvent, TraceEventKind, TracedMessage};
use serde_json::json;

/// One line of trace output: for people and for `--json`.
#[derive(Debug, Clone)]
pub struct TraceLine {
    /// The text (without a prefix).
    pub text: String,
    /// The same as JSON.
    pub json: serde_json::Value,
}

/// The traces the shell runs, shared with the prompt's printer.
#[derive(Debug, Clone, Default)]
pub struct Tracer {
    traces: Arc<Mutex<Vec<Trace>>>,
}

impl Tracer {
    fn lock(&self) -> MutexGuard<'_, Vec<Trace>> {
        self.traces.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a started trace.
    pub fn add(&self, trace: Trace) {
        self.lock().push(trace);
    }

    /// Are there traces?
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Stops the traces whose target `pick` accepts; returns how many stopped and their
    /// last lines.
    pub fn stop(&self, pick: impl Fn(&Trace) -> bool) -> (usize, Vec<TraceLine>) {
        let mut lines = Vec::new();
        let mut traces = self.lock();
        let before = traces.len();
        traces.retain(|t| {
            if !pick(t) {
                return true;
            }
            let mut events = Vec::new();
            t.drain(&mut events);
            lines.extend(events.iter().map(event_line));
            t.stop();
            false
        });
        (before - traces.len(), lines)
    }

    /// What each trace follows, its rails and what it has dropped.
    pub fn list(&self) -> Vec<(u64, String, u64, Option<u64>, u64)> {
        self.lock()
            .iter()
            .map(|t| {
                let s = t.spec();
                (t.id(), s.target.to_string(), s.limit, s.rate, t.dropped())
            })
            .collect()
    }

    /// The events since the last call, oldest first per trace, and a line for each trace
    /// that stopped by itself (which is then forgotten).
    pub fn drain(&self) -> Vec<TraceLine> {
        let mut lines = Vec::new();
        self.lock().retain(|t| {
            let mut events = Vec::new();
            let stopped = t.drain(&mut events);
            lines.extend(events.iter().map(event_line));
            match stopped {
                Some(why) => {
                    lines.push(stop_line(t, &why));
                    false
                }
                None => true,
            }
        });
        lines
    }
}

fn stop_line(t: &Trace, why: &StopReason) -> TraceLine {
    let target = &t.spec().target;
    let dropped = t.dropped();
    let more = if dropped > 0 {
        format!(" ({dropped} events dropped: the buffer was full)")
    } else {
        String::new()
    };
    TraceLine {
        text: format!("trace of {target} stopped: {why}{more}"),
        json: json!({ "trace_stopped": t.id(), "target": target.to_string(),
                      "why": why.to_string(), "dropped": dropped }),
    }
}

fn message(m: &TracedMessage, dir: &str) -> String {
    let peer = m
        .peer
        .map_or_else(|| "the host".to_owned(), |p| p.to_string());
    if let Some(notice) = &m.notice {
        return format!("{dir} {peer}: {notice}");
    }
    let tag = if m.tag == 0 {
        String::new()
    } else {
        format!(" tag {}", m.tag)
    };
    let mut head = crate::format::bytes(&m.head);
    if m.size > m.head.len() && head.starts_with('"') {
        head.push_str(" ...");
    }
    format!("{dir} {peer}{tag}: {} bytes {head}", m.size)
}

/// A trace event as a line: `[seconds] pid kind detail`.
pub fn event_line(e: &TraceEvent) -> TraceLine {
    let (kind, detail) = match &e.kind {
        TraceEventKind::Send(m) => ("send", message(m, "to")),
        TraceEventKind::Receive(m) => ("receive", message(m, "from")),
        TraceEventKind::Call { name, us } => {
            ("call", format!("{name} ({})", grain::quantity::micros(*us)))
        }
        TraceEventKind::Spawn { child, runs } => ("spawn", format!("{child} {runs}")),
        TraceEventKind::Link { other } => ("link", other.to_string()),
        TraceEventKind::Unlink { other } => ("unlink", other.to_string()),
        TraceEventKind::Exit { reason } => ("exit", reason.to_string()),
    };
    let at = format!("{}.{:06}", e.at_us / 1_000_000, e.at_us % 1_000_000);
    // One flat object: the time, the pid (as every `--json` spells it: its number), the
    // kind and its fields.
    let mut value = serde_json::to_value(&e.kind).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("at_us".into(), json!(e.at_us));
        obj.insert("pid".into(), json!(e.pid.id()));
        if let TraceEventKind::Send(m) | TraceEventKind::Receive(m) = &e.kind {
            obj.insert("preview".into(), json!(crate::format::bytes(&m.head)));
        }
    }
    TraceLine {
        text: format!("[{at}] {} {kind} {detail}", e.pid),
        json: json!({ "trace": value }),
    }
}

/// Prints trace lines as they come while a command runs (`wait`, `receive`, a long
/// `repeat`...), straight to stdout; at the prompt they wait for the next line (Enter
/// alone shows them), so the line being typed is never written over. (rustyline's external
/// printer would print at the prompt, but it loses typed-ahead and pasted input.) Stops
/// when the returned guard is dropped.
pub fn print_while_busy(tracer: Tracer) -> LivePrinter {
    use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
    let at_prompt = Arc::new(AtomicBool::new(true));
    let done = Arc::new(AtomicBool::new(false));
    let (prompt, stop) = (at_prompt.clone(), done.clone());
    std::thread::spawn(move || {
        use std::io::Write;
        while !stop.load(Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(20));
            if prompt.load(Relaxed) || tracer.is_empty() {
                continue;
            }
            let lines = tracer.drain();
            if !lines.is_empty() {
                let text: String = lines.into_iter().map(|l| l.text + "\n").collect();
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            }
        }
    });
    LivePrinter { at_prompt, done }
}

/// The live printer's switches: see [`print_while_busy`].
#[derive(Debug)]
pub struct LivePrinter {
    at_prompt: Arc<std::sync::atomic::AtomicBool>,
    done: Arc<std::sync::atomic::AtomicBool>,
}

impl LivePrinter {
    /// Whether the prompt is waiting for input now (the printer holds its lines).
    pub fn at_prompt(&self, yes: bool) {
        self.at_prompt
            .store(yes, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Drop for LivePrinter {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The observer's trace (`T`): one process at a time, with the default rails. Starting
/// one stops the last; returns what to tell the user.
pub fn toggle(tracer: &Tracer, rt: &grain::Runtime, pid: grain::Pid, on: bool) -> String {
    use grain::trace::{TraceSpec, TraceTarget};
    let (stopped, _) = tracer.stop(|_| true);
    if !on {
        return if stopped > 0 {
            format!("stopped the trace of {pid}")
        } else {
            format!("no trace of {pid} is running")
        };
    }
    match rt.trace(TraceSpec::new(TraceTarget::Pid(pid))) {
        Ok(trace) => {
            tracer.add(trace);
            format!("tracing {pid}: at most 100 events, at most 1000/s")
        }
        Err(e) => format!("cannot trace: {e}"),
    }
}

/// The observer's trace lines since the last call, and whether its trace stopped.
pub fn lines_of(tracer: &Tracer) -> (Vec<String>, bool) {
    let lines: Vec<String> = tracer.drain().into_iter().map(|l| l.text).collect();
    (lines, tracer.is_empty())
}
