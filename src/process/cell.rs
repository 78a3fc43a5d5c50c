//! The shared part of a process: what other processes, the host and observers can reach.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::config::ProcessConfig;
use crate::mailbox::Mailbox;
use crate::message::Message;
use crate::module::Module;
use crate::observe::StatsSlot;
use crate::{ExitReason, Pid};

/// Signals are handled by the process's task between slices of guest execution.
#[derive(Debug)]
pub(crate) enum Signal {
    /// Stop now.
    Kill,
    /// A linked process failed.
    LinkDied { pid: Pid, tag: Option<i64> },
    /// End with this reason (a host process ending on purpose).
    Exit(ExitReason),
}

/// Links and monitors of a process.
#[derive(Debug, Default)]
pub(crate) struct Relations {
    /// Linked processes and the tag of each link.
    pub links: HashMap<Pid, Option<i64>>,
    /// Processes monitoring this one.
    pub monitored_by: HashSet<Pid>,
    /// Processes this one monitors.
    pub monitoring: HashSet<Pid>,
    /// Set when the process has ended: no new links or monitors attach after that.
    pub dead: bool,
}

/// A process's shared part. The fields every message reads or writes come first and in
/// this order (`repr(C)`), from the start of a cache line: a message to a process that ran
/// long ago then misses a few cache lines of it, not ten (the ring of a thousand processes
/// was 10% slower with the compiler's order).
#[repr(C, align(64))]
pub(crate) struct ProcessCell {
    pub mailbox: Mailbox,
    /// The node's bound on its queue (wasm processes only).
    pub max_mailbox: Option<usize>,
    /// Set by the one `finish` that runs for this process.
    pub finished: AtomicBool,
    /// Set while it hands its state over to new code (`code::upgrade`).
    pub upgrading: AtomicBool,
    /// Set once a delivery overflowed the bound (the process is ending).
    overflowed: AtomicBool,
    pub die_when_link_dies: AtomicBool,
    pub registered: AtomicBool,
    pub stats: StatsSlot,
    /// Its trace, if one follows it.
    pub tracing: crate::trace::TraceSlot,
    pub inspector: super::Inspector,
    /// Children waiting for this process's next yield point.
    pub start_gate: super::start_gate::StartGate,
    /// Its signal queue.
    pub(super) signals: super::signals::Signals,
    // The rest is read when it starts, ends or is looked at.
    pub pid: Pid,
    pub parent: Option<Pid>,
    /// The module of a wasm process (another after an upgrade); `None` for a host process
    /// (the shell, a supervisor).
    module: Option<Mutex<Module>>,
    /// The export it was started with.
    pub function: String,
    /// What it runs, when the export is lunatic-rs's spawn trampoline (`Module::entry_name`).
    pub entry: Option<Arc<str>>,
    /// The coredump its trap left (`process::coredump`).
    pub coredump: std::sync::OnceLock<std::path::PathBuf>,
    pub config: Arc<ProcessConfig>,
    /// Which of the system monitor's alerts fired for it.
    pub alert_state: crate::monitor::AlertState,
    /// Where its parent was when it spawned it (a fuel count, or a slice count): it starts
    /// once the parent is past it (`start_gate`).
    pub parent_mark: u64,
    /// The children this process spawned, to recognise it restarting them.
    pub lineage: super::lineage::Lineage,
    /// How its parent identifies it among its children (wasm parents only).
    pub spawn_key: Option<super::lineage::SpawnKey>,
    /// Its runtime, for kills that end a parked process at once.
    pub rt: std::sync::Weak<crate::runtime::RuntimeInner>,
    pub spawned_us: u64,
    /// Its environment (registry namespace and standard streams).
    pub env: Arc<crate::runtime::Environment>,
    relations: Mutex<Relations>,
    /// How it ended, once it has; `exited` wakes the waiters. (A watch channel would cost
    /// half a kilobyte per process.)
    pub(super) exit: std::sync::OnceLock<ExitReason>,
    pub(super) exited: Notify,
}

impl ProcessCell {
    #[allow(
        clippy::too_many_arguments,
        reason = "a plain constructor of a plain struct"
    )]
    pub(crate) fn new(
        pid: Pid,
        parent: Option<Pid>,
        module: Option<Module>,
        function: String,
        config: Arc<ProcessConfig>,
        env: Arc<crate::runtime::Environment>,
        spawned_us: u64,
    ) -> (Arc<Self>, super::signals::SignalReceiver) {
        let cell = ProcessCell {
            pid,
            parent,
            module: module.map(Mutex::new),
            upgrading: AtomicBool::new(false),
            function,
            entry: None,
            coredump: std::sync::OnceLock::new(),
            config,
            mailbox: Mailbox::default(),
            stats: StatsSlot::default(),
            tracing: Default::default(),
            alert_state: Default::default(),
            inspector: super::Inspector::default(),
            start_gate: Default::default(),
            parent_mark: 0,
            lineage: Default::default(),
            spawn_key: None,
            die_when_link_dies: AtomicBool::new(true),
            registered: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            max_mailbox: None,
            overflowed: AtomicBool::new(false),
            rt: std::sync::Weak::new(),
            spawned_us,
            env,
            signals: Default::default(),
            relations: Mutex::new(Relations::default()),
            exit: std::sync::OnceLock::new(),
            exited: Notify::new(),
        };
        (Arc::new(cell), Default::default())
    }

    /// The memory it holds: its linear memory and its queued messages.
    pub(crate) fn memory_total(&self) -> u64 {
        self.stats.memory_bytes() + self.mailbox.bytes() as u64
    }

    /// What it runs, for people: the trampoline's target, or the export.
    pub(crate) fn runs(&self) -> &str {
        self.entry.as_deref().unwrap_or(&self.function)
    }

    /// The module it runs now; `None` for a host process.
    pub(crate) fn module(&self) -> Option<Module> {
        Some(self.module.as_ref()?.lock().expect("module lock").clone())
    }

    /// Is it a wasm process (not a host process)?
    pub(crate) fn is_wasm(&self) -> bool {
        self.module.is_some()
    }

    /// Runs it on `module` from now on (an upgrade); returns the module it ran.
    pub(crate) fn set_module(&self, module: Module) -> Option<Module> {
        let slot = self.module.as_ref()?;
        module.enter();
        Some(std::mem::replace(
            &mut *slot.lock().expect("module lock"),
            module,
        ))
    }

    /// The module's name, or `host` for a host process.
    pub(crate) fn module_name(&self) -> String {
        self.module()
            .map_or_else(|| "host".into(), |m| m.name().to_owned())
    }

    /// `name@version` of its module, or `host` for a host process.
    pub(crate) fn code(&self) -> String {
        self.module().map_or_else(|| "host".into(), |m| m.label())
    }

    pub(crate) fn signal(&self, signal: Signal) {
        self.signals.send(signal);
    }

    pub(crate) fn relations(&self) -> MutexGuard<'_, Relations> {
        self.relations.lock().expect("relations lock")
    }

    /// Delivers a message to this process's mailbox.
    pub(crate) fn deliver(&self, message: Message) {
        if let Some(max) = self.max_mailbox
            && self.mailbox.len() >= max
        {
            // The process ends at once; what it was sent from here on is moot.
            if !self.overflowed.swap(true, Ordering::Relaxed) {
                let message = format!("more than {max} messages queued (the node's mailbox limit)");
                let trap = crate::exit::Trap::new(crate::exit::TrapKind::MailboxLimit, message);
                self.signal(Signal::Exit(ExitReason::Trap(trap)));
            }
            return;
        }
        self.mailbox
            .push_counted(message, Some(self.stats.messages_in_counter()));
    }

    pub(crate) fn set_exit(&self, reason: ExitReason) {
        // `finish` runs once per process, so the first reason is the only one.
        let _ = self.exit.set(reason);
        self.exited.notify_waiters();
    }
}
#[cfg(test)]
mod tests {
    use super::ProcessCell;
    use std::mem::offset_of;

    #[test]
    fn what_every_message_touches_lies_in_the_first_seven_cache_lines() {
        assert_eq!(std::mem::align_of::<ProcessCell>(), 64);
        assert_eq!(offset_of!(ProcessCell, mailbox), 0);
        for end in [
            offset_of!(ProcessCell, finished),
            offset_of!(ProcessCell, max_mailbox),
            offset_of!(ProcessCell, upgrading),
            offset_of!(ProcessCell, stats) + size_of::<crate::observe::StatsSlot>() - 1,
            offset_of!(ProcessCell, tracing),
            offset_of!(ProcessCell, inspector),
            offset_of!(ProcessCell, start_gate),
            offset_of!(ProcessCell, signals),
        ] {
            assert!(end < 7 * 64, "a hot field ends at byte {end}");
        }
    }
}
