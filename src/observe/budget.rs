//! A periodic pass kept to a share of the time: the aggregator's publish and the system
//! monitor's look at every process both grow with the node, so on a very large node they
//! run less often than their interval instead of taking a core.

use tokio::time::Instant;

/// When the next pass may run: each pass may take at most 1/`share` of the time.
pub(crate) struct Budget {
    share: u32,
    next: Instant,
}

impl Budget {
    /// A budget of 1/`share` of the time; the first pass is due at once.
    pub(crate) fn new(share: u32) -> Self {
        Budget {
            share,
            next: Instant::now(),
        }
    }

    /// Runs `pass` if one is due at the tick `now`, and puts the next one no sooner than
    /// `share` times the pass's own time after `now` (its own: not the wait for the tick's
    /// task to be run, which on a loaded host would space the passes seconds apart).
    /// `None` when no pass was due.
    pub(crate) fn run<T>(&mut self, now: Instant, pass: impl FnOnce() -> T) -> Option<T> {
        if now < self.next {
            return None;
        }
        let started = Instant::now();
        let out = pass();
        self.next = now + started.elapsed() * self.share;
        Some(out)
    }
}
