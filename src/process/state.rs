//! What a process's wasmtime `Store` holds.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::WasiP1Ctx;

use super::ProcessCell;
use super::limits::Limiter;
use crate::Pid;
use crate::config::ProcessConfig;
use crate::message::Message;
use crate::module::Module;
use crate::resources::Resources;
use crate::runtime::RuntimeInner;

/// The data of a process's `Store`: its identity, resources, message scratch slot and WASI
/// context. Host functions reach everything through it.
pub struct ProcessState {
    pub(crate) rt: Arc<RuntimeInner>,
    pub(crate) cell: Arc<ProcessCell>,
    /// The module this process runs.
    pub(crate) module: Module,
    pub(crate) limiter: Limiter,
    pub(crate) memory: Option<wasmtime::Memory>,
    /// The message being built (`create_data`) or the one last received.
    pub(crate) scratch: Option<Message>,
    pub(crate) configs: Resources<ProcessConfig>,
    pub(crate) modules: Resources<Module>,
    pub(crate) errors: Resources<String>,
    pub(crate) timers: Resources<tokio::task::AbortHandle>,
    /// Results of `exec_lookup_nodes`, taken by `copy_lookup_nodes_results`.
    pub(crate) lookups: Resources<Vec<u64>>,
    /// Set once instantiation (and the start function) finished: spawning is refused before.
    pub(crate) initialized: bool,
    /// The fuel the store started with (to compute fuel used).
    pub(crate) fuel_start: u64,
    wasi: Option<Box<WasiP1Ctx>>,
    /// Sockets and address iterators, created on first use.
    pub(crate) net: Option<Box<crate::host::Net>>,
    /// SQLite connections and statements, created on first use.
    pub(crate) sqlite: Option<Box<crate::host::Sqlite>>,
    /// The process last sent to: most senders talk to one partner at a time, and this
    /// saves a process-table lookup per message. A strong reference, so a send touches no
    /// reference count; it is let go once the target has ended (see `target`).
    last_target: Option<(Pid, Arc<ProcessCell>)>,
}

impl ProcessState {
    pub(crate) fn new(rt: Arc<RuntimeInner>, cell: Arc<ProcessCell>, module: Module) -> Self {
        let limiter = Limiter {
            max_memory: cell.config.max_memory,
            cell: cell.clone(),
        };
        ProcessState {
            rt,
            cell,
            module,
            limiter,
            memory: None,
            scratch: None,
            configs: Resources::default(),
            modules: Resources::default(),
            errors: Resources::default(),
            timers: Resources::default(),
            lookups: Resources::default(),
            initialized: false,
            fuel_start: 0,
            wasi: None,
            net: None,
            sqlite: None,
            last_target: None,
        }
    }

    /// The live process `pid`, if there is one (for sending).
    pub(crate) fn target(&mut self, pid: Pid) -> Option<&ProcessCell> {
        let hit = matches!(&self.last_target, Some((last, _)) if *last == pid);
        if !hit {
            self.last_target = self.rt.cell(pid).map(|cell| (pid, cell));
        }
        let (_, cell) = self.last_target.as_ref()?;
        if cell.finished.load(Ordering::Acquire) {
            // Ended: let it go (with whatever it left queued).
            self.last_target = None;
            return None;
        }
        self.last_target.as_ref().map(|(_, cell)| &**cell)
    }

    /// The process's configuration.
    pub fn config(&self) -> &ProcessConfig {
        &self.cell.config
    }

    /// The WASI context, built on first use (most processes of actor programs never touch
    /// WASI, and a context costs memory).
    pub(crate) fn wasi(&mut self) -> &mut WasiP1Ctx {
        if self.wasi.is_none() {
            self.wasi = Some(Box::new(self.build_wasi()));
        }
        self.wasi.as_mut().expect("just built")
    }

    fn build_wasi(&self) -> WasiP1Ctx {
        let spec = &self.cell.config.wasi;
        let mut builder = WasiCtxBuilder::new();
        builder.args(&spec.args).envs(&spec.env);
        for dir in &spec.dirs {
            // A directory that vanished since it was granted is simply not visible.
            let _ = builder.preopened_dir(&dir.host, &dir.guest, wasmtime_wasi::FsPerms::ReadWrite);
        }
        self.cell.env.stdio.apply(&mut builder);
        builder.build_p1()
    }

    /// Records an error for the guest (`lunatic::error::*`) and returns its id.
    pub(crate) fn add_error(&mut self, message: impl Into<String>) -> u64 {
        self.errors.add(message.into())
    }
}
