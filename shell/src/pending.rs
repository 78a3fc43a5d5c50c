//! What happened since the shell last said: what processes wrote, trace events, notices of
//! nodes, alerts and of linked or monitored processes that ended.

use grain::Pid;
use grain::message::Message;

use crate::shell::Shell;

/// What happened since the shell last said: see [`Shell::pending_parts`].
#[derive(Debug, Default)]
pub struct Pending {
    /// The shell's notices of itself (its process was replaced), one line each.
    pub own: Vec<String>,
    /// What processes wrote.
    pub output: String,
    /// Notices of nodes and of linked or monitored processes, one line each.
    pub notices: Vec<String>,
    /// Trace events and traces that stopped, oldest first.
    pub trace: Vec<crate::tracer::TraceLine>,
}

impl Shell {
    /// What processes wrote since the last call, and notices of linked or monitored
    /// processes that ended (the notices stay in the mailbox for `flush`).
    pub fn pending(&mut self) -> String {
        let Pending {
            own,
            output,
            notices,
            trace,
        } = self.pending_parts();
        // The shell's own notices, what processes wrote, what traces saw, then the others.
        let line = |n: &String| format!("** {n}\n");
        let mut out: String = own.iter().map(line).collect();
        out.push_str(&output);
        out.extend(trace.iter().map(|t| format!("{}\n", t.text)));
        out.extend(notices.iter().map(line));
        out
    }

    /// [`Shell::pending`] in its parts; notices without the `** ` that shows them.
    pub fn pending_parts(&mut self) -> Pending {
        let own: Vec<String> = std::mem::take(&mut self.notice)
            .lines()
            .map(|l| l.trim_start_matches("** ").to_owned())
            .collect();
        let mut notices = Vec::new();
        let mut output = String::new();
        if let Some(capture) = &self.output {
            let bytes = capture.contents();
            if bytes.len() > self.printed {
                output.push_str(&String::from_utf8_lossy(&bytes[self.printed..]));
                self.printed = bytes.len();
            }
        }
        let died: Vec<(Pid, u8)> = self.me.process().peek_mailbox(|q| {
            q.iter()
                .filter_map(|m| match m {
                    Message::LinkDied { pid, .. } => Some((*pid, 1)),
                    Message::ProcessDied { pid, .. } => Some((*pid, 2)),
                    Message::Data(_) => None,
                })
                .collect()
        });
        if let Some(events) = &mut self.node_events {
            while let Ok(event) = events.try_recv() {
                notices.push(match &event.down {
                    Some(why) => format!("node {} ({}) is down: {why}", event.name, event.id),
                    None => format!("node {} ({}) is up", event.name, event.id),
                });
            }
        }
        let (alerts, seen) = self.rt.alerts_after(self.alerts_seen);
        self.alerts_seen = seen;
        for e in alerts {
            if let grain::observe::EventKind::Alert { alert } = &e.kind {
                notices.push(format!("alert: {} {alert}", e.pid));
            }
        }
        for (pid, kind) in died {
            if self.announced.insert((pid, kind)) {
                let why = self.why(pid);
                let how = if kind == 1 { "linked" } else { "monitored" };
                notices.push(format!("{pid} ({how}) ended: {why}"));
            }
        }
        let mut trace = std::mem::take(&mut self.trace_lines);
        trace.extend(self.tracer.drain());
        Pending {
            own,
            output,
            notices,
            trace,
        }
    }

    /// Why a linked or monitored process ended, as notices and `flush` say it: `noproc`
    /// for one that was not alive when the link or monitor was set (or is unknown).
    pub fn why(&self, pid: Pid) -> String {
        if self.noproc.contains(&pid) {
            return "noproc".to_owned();
        }
        self.rt
            .exited(pid)
            .map_or_else(|| "noproc".to_owned(), |r| r.reason.to_string())
    }
}
