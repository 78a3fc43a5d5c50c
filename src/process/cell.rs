//! The shared part of a process: what other processes, the host and observers can reach.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::config::ProcessConfig;
use crate::mailbox::Mailbox;
use crate::message::{DataMessage, Message};
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

pub(crate) struct ProcessCell {
    pub pid: Pid,
    pub parent: Option<Pid>,
    /// The module of a wasm process (another after an upgrade); `None` for a host process
    /// (the shell, a supervisor).
    module: Option<Mutex<Module>>,
    /// Set while it hands its state over to new code (`code::upgrade`).
    pub upgrading: AtomicBool,
    /// The export it was started with.
    pub function: String,
    /// What it runs, when the export is lunatic-rs's spawn trampoline (`Module::entry_name`).
    pub entry: Option<Arc<str>>,
    /// The coredump its trap left (`process::coredump`).
    pub coredump: std::sync::OnceLock<std::path::PathBuf>,
    pub config: Arc<ProcessConfig>,
    pub mailbox: Mailbox,
    pub stats: StatsSlot,
    /// Its trace, if one follows it.
    pub tracing: crate::trace::TraceSlot,
    /// Which of the system monitor's alerts fired for it.
    pub alert_state: crate::monitor::AlertState,
    pub inspector: super::Inspector,
    /// Children waiting for this process's next yield point.
    pub start_gate: super::start_gate::StartGate,
    /// Its parent's slice count when it spawned it: it starts once the parent is past it.
    pub parent_slice: u64,
    /// The children this process spawned, to recognise it restarting them.
    pub lineage: super::lineage::Lineage,
    /// How its parent identifies it among its children (wasm parents only).
    pub spawn_key: Option<super::lineage::SpawnKey>,
    pub die_when_link_dies: AtomicBool,
    pub registered: AtomicBool,
    /// Set by the one `finish` that runs for this process.
    pub finished: AtomicBool,
    /// The node's bound on its queue (wasm processes only).
    pub max_mailbox: Option<usize>,
    /// Set once a delivery overflowed the bound (the process is ending).
    overflowed: AtomicBool,
    /// Its runtime, for kills that end a parked process at once.
    pub rt: std::sync::Weak<crate::runtime::RuntimeInner>,
    pub spawned_us: u64,
    /// Its environment (registry namespace and standard streams).
    pub env: Arc<crate::runtime::Environment>,
    pub(super) signals: super::signals::SignalSender,
    relations: Mutex<Relations>,
    /// How it ended, once it has; `exited` wakes the waiters. (A watch channel would cost
    /// half a kilobyte per process.)
    exit: std::sync::OnceLock<ExitReason>,
    exited: Notify,
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
        let (signals, rx) = super::signals::channel();
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
            parent_slice: 0,
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
            signals,
            relations: Mutex::new(Relations::default()),
            exit: std::sync::OnceLock::new(),
            exited: Notify::new(),
        };
        (Arc::new(cell), rx)
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
        self.stats.count_in();
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
        self.mailbox.push(message);
    }

    pub(crate) fn set_exit(&self, reason: ExitReason) {
        // `finish` runs once per process, so the first reason is the only one.
        let _ = self.exit.set(reason);
        self.exited.notify_waiters();
    }
}

/// A handle on a process, alive or ended. Cheap to clone.
#[derive(Clone)]
pub struct Process {
    pub(crate) cell: Arc<ProcessCell>,
}

impl Process {
    /// Its pid.
    pub fn pid(&self) -> Pid {
        self.cell.pid
    }

    /// Does a trace follow it?
    pub fn is_traced(&self) -> bool {
        self.cell.tracing.trace_id().is_some()
    }

    /// The process that spawned it, if a process did.
    pub fn parent(&self) -> Option<Pid> {
        self.cell.parent
    }

    /// The module it runs now (`None` for a host process such as the shell); another one
    /// after an upgrade.
    pub fn module(&self) -> Option<Module> {
        self.cell.module()
    }

    /// The module's name, or `host` for a host process.
    pub fn module_name(&self) -> String {
        self.cell.module_name()
    }

    /// What code it runs: `name@version` of its module, or `host`.
    pub fn code(&self) -> String {
        self.cell.code()
    }

    /// What it runs: the function it was started with or, for a lunatic-rs process started
    /// through the spawn trampoline, the function the trampoline calls (e.g.
    /// `bench::spawn_parked::{{closure}}`).
    pub fn function(&self) -> &str {
        self.cell.runs()
    }

    /// The export it was started with (the trampoline's name for a lunatic-rs process).
    pub fn export(&self) -> &str {
        &self.cell.function
    }

    /// Its configuration (limits, permissions, sandbox).
    pub fn config(&self) -> &ProcessConfig {
        &self.cell.config
    }

    /// The id of its environment (0 is the host's).
    pub fn environment_id(&self) -> u64 {
        self.cell.env.id
    }

    /// Its stats slot.
    pub fn stats(&self) -> &StatsSlot {
        &self.cell.stats
    }

    /// The number of messages in its mailbox.
    pub fn mailbox_len(&self) -> usize {
        self.cell.mailbox.len()
    }

    /// Host memory its queued messages take.
    pub fn mailbox_bytes(&self) -> usize {
        self.cell.mailbox.bytes()
    }

    /// The memory it holds: its linear memory and its queued messages.
    pub fn memory_total(&self) -> u64 {
        self.cell.memory_total()
    }

    /// Its links, with their tags.
    pub fn links(&self) -> Vec<(Pid, Option<i64>)> {
        let mut links: Vec<_> = self
            .cell
            .relations()
            .links
            .iter()
            .map(|(p, t)| (*p, *t))
            .collect();
        links.sort();
        links
    }

    /// The processes monitoring it.
    pub fn monitored_by(&self) -> Vec<Pid> {
        let mut pids: Vec<_> = self.cell.relations().monitored_by.iter().copied().collect();
        pids.sort();
        pids
    }

    /// The processes it monitors.
    pub fn monitoring(&self) -> Vec<Pid> {
        let mut pids: Vec<_> = self.cell.relations().monitoring.iter().copied().collect();
        pids.sort();
        pids
    }

    /// Does it trap link deaths (receive them as messages) rather than die with its links?
    pub fn traps_link_deaths(&self) -> bool {
        !self.cell.die_when_link_dies.load(Ordering::Relaxed)
    }

    /// Why it ended, if it has.
    pub fn exit_reason(&self) -> Option<ExitReason> {
        self.cell.exit.get().cloned()
    }

    /// Is it still running?
    pub fn is_alive(&self) -> bool {
        self.exit_reason().is_none()
    }

    /// Waits until it ends and returns why.
    pub async fn wait(&self) -> ExitReason {
        loop {
            // Registered before the check, so a `set_exit` in between still wakes us.
            let notified = self.cell.exited.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(reason) = self.cell.exit.get() {
                return reason.clone();
            }
            notified.await;
        }
    }

    /// Reads `len` bytes of its linear memory at `addr`. The process answers itself at its
    /// next safe point (see [`InspectError`](super::InspectError)); nothing reads a running
    /// instance from outside.
    ///
    /// # Errors
    /// When it has ended, does not answer within a second, or the range is out of bounds.
    pub async fn read_memory(&self, addr: u64, len: u64) -> Result<Vec<u8>, super::InspectError> {
        if !self.is_alive() {
            return Err(super::InspectError::Exited);
        }
        let wait = std::time::Duration::from_secs(1);
        self.cell.inspector.read(addr, len, wait).await
    }

    /// Kills it (no effect if it has ended).
    pub fn kill(&self) {
        match self.cell.rt.upgrade() {
            Some(rt) => rt.kill(&self.cell),
            None => self.cell.signal(Signal::Kill),
        }
    }

    /// Ends it with `reason` (Erlang's `exit(Pid, Reason)`): like a kill, its links fail
    /// unless the reason is `Normal`; monitors see the reason.
    pub fn exit_with(&self, reason: ExitReason) {
        self.cell.signal(Signal::Exit(reason));
    }

    /// Sends it a data message with `tag` (0 = untagged) from the host.
    pub fn send(&self, tag: i64, bytes: Vec<u8>) {
        self.cell
            .deliver(Message::Data(DataMessage::new(tag, bytes)));
    }

    /// Calls `f` with its queued messages, without taking them.
    pub fn peek_mailbox<R>(&self, f: impl FnOnce(&std::collections::VecDeque<Message>) -> R) -> R {
        self.cell.mailbox.peek(f)
    }
}

impl std::fmt::Debug for Process {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Process")
            .field("pid", &self.cell.pid)
            .field("module", &self.cell.code())
            .field("function", &self.cell.function)
            .finish()
    }
}
