//! The public face of the runtime.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use dashmap::DashMap;
use tokio::sync::mpsc;

use super::{RuntimeConfig, RuntimeInner, engine};
use crate::Pid;
use crate::config::ProcessConfig;
use crate::error::Error;
use crate::module::Module;
use crate::observe::{self, EventSink, Observer};
use crate::process::SpawnRequest;
use crate::process::{HostProcess, Param, Process, ProcessState};
use crate::registry::Registry;

/// A grain node: loads modules, spawns processes, and lets you watch them.
///
/// Cheap to clone. Must be created inside a tokio runtime (it starts its aggregator task).
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<RuntimeInner>,
}

impl Runtime {
    /// Starts a runtime.
    ///
    /// # Errors
    /// When the wasm engine cannot be configured (e.g. the pool does not fit in the address
    /// space).
    pub fn new(config: RuntimeConfig) -> Result<Self, Error> {
        let engine = engine::build(&config)?;
        let mut linker = wasmtime::Linker::<ProcessState>::new(&engine);
        crate::host::add_to_linker(&mut linker).map_err(|e| Error::Engine(format!("{e:#}")))?;
        let events = EventSink::new(config.event_capacity);
        let (subscribe, subscribe_rx) = mpsc::unbounded_channel();
        let stop = Arc::new(AtomicBool::new(false));
        engine::start_ticker(engine.clone(), config.time_slice, stop.clone());
        let inner = Arc::new(RuntimeInner {
            engine,
            linker,
            processes: DashMap::new(),
            next_pid: AtomicU64::new(Pid::new(config.node_id, 1).id()),
            next_module: AtomicU64::new(1),
            versions: Default::default(),
            upgrades: Default::default(),
            registry: Registry::default(),
            events,
            root_env: Arc::new(super::Environment {
                id: 0,
                stdio: config.stdio.clone(),
            }),
            next_env: AtomicU64::new(1),
            config,
            started: Instant::now(),
            started_coarse_us: super::clock::coarse_us(),
            spawned_total: AtomicU64::new(0),
            exited_total: AtomicU64::new(0),
            finished_total: AtomicU64::new(0),
            supervisors: DashMap::new(),
            recent_exits: Mutex::new(std::collections::VecDeque::new()),
            metrics: crate::metrics::Metrics::default(),
            counters: Default::default(),
            tracing: Default::default(),
            monitor: Default::default(),
            subscribe,
            stop,
            sched: super::sched::Scheduler::start(
                tokio::runtime::Handle::current().metrics().num_workers(),
            ),
            cluster: std::sync::OnceLock::new(),
            essential: Mutex::default(),
            coredumps: Default::default(),
        });
        observe::start_aggregator(&inner, subscribe_rx);
        crate::monitor::start_monitor(&inner);
        Ok(Runtime { inner })
    }

    /// Spawns a process running `function` of `module`.
    ///
    /// # Errors
    /// When the function does not exist, the params do not fit it, or the node is full.
    pub fn spawn(
        &self,
        module: &Module,
        function: &str,
        params: &[Param],
        config: ProcessConfig,
    ) -> Result<Process, Error> {
        self.spawn_linked(module, function, params, config, None)
    }

    /// Like [`Runtime::spawn`], linked from birth to `link` (with a link tag) if given.
    ///
    /// # Errors
    /// As [`Runtime::spawn`], and when the process to link to has ended.
    pub fn spawn_linked(
        &self,
        module: &Module,
        function: &str,
        params: &[Param],
        config: ProcessConfig,
        link: Option<(Pid, i64)>,
    ) -> Result<Process, Error> {
        let link = match link {
            Some((pid, tag)) => {
                let cell = self.inner.cell(pid).ok_or(Error::NoSuchProcess(pid))?;
                Some((cell, (tag != 0).then_some(tag)))
            }
            None => None,
        };
        let cell = self.inner.spawn(SpawnRequest {
            module: module.clone(),
            function: function.to_owned(),
            params: params.to_vec(),
            config: Arc::new(config),
            parent: None,
            link,
            env: None,
        })?;
        Ok(Process { cell })
    }

    /// Starts a host process (driven by Rust code, like the shell): it has a pid and a
    /// mailbox, shows in the process table, and always traps link deaths.
    ///
    /// # Errors
    /// When the node is at its process limit.
    pub fn spawn_host(&self, name: &str) -> Result<HostProcess, Error> {
        self.inner.spawn_host(name)
    }

    /// How a recently ended process ended (the last 1,024 are remembered).
    pub fn exited(&self, pid: Pid) -> Option<super::ExitRecord> {
        self.inner.exited_record(pid)
    }

    /// Marks a process whose end ends the node (the shell asks before it kills one).
    pub fn mark_essential(&self, pid: Pid) {
        self.inner
            .essential
            .lock()
            .expect("essential lock")
            .insert(pid);
    }

    /// Does the end of this process end the node?
    pub fn is_essential(&self, pid: Pid) -> bool {
        self.inner
            .essential
            .lock()
            .expect("essential lock")
            .contains(&pid)
    }

    /// This node's id in its cluster (0 outside one).
    pub fn node_id(&self) -> u64 {
        self.inner.config.node_id
    }

    /// The cluster this node belongs to, if it joined one.
    pub fn cluster(&self) -> Option<crate::cluster::Cluster> {
        self.inner.cluster().map(|inner| crate::cluster::Cluster {
            inner: inner.clone(),
        })
    }

    /// A fresh environment: an empty registry namespace, with output going to `stdio`.
    pub fn new_environment(&self, stdio: super::Stdio) -> super::Environment {
        super::Environment {
            id: self.inner.next_env.fetch_add(1, Ordering::Relaxed),
            stdio,
        }
    }

    /// Like [`Runtime::spawn`], in environment `env`.
    ///
    /// # Errors
    /// As [`Runtime::spawn`].
    pub fn spawn_in(
        &self,
        env: &super::Environment,
        module: &Module,
        function: &str,
        params: &[Param],
        config: ProcessConfig,
    ) -> Result<Process, Error> {
        let cell = self.inner.spawn(SpawnRequest {
            module: module.clone(),
            function: function.to_owned(),
            params: params.to_vec(),
            config: Arc::new(config),
            parent: None,
            link: None,
            env: Some(Arc::new(env.clone())),
        })?;
        Ok(Process { cell })
    }

    /// The live process with this pid.
    pub fn process(&self, pid: Pid) -> Option<Process> {
        self.inner.cell(pid).map(|cell| Process { cell })
    }

    /// All live processes, by pid.
    pub fn processes(&self) -> Vec<Process> {
        let mut all: Vec<Process> = self
            .inner
            .processes
            .iter()
            .map(|e| Process {
                cell: e.value().clone(),
            })
            .collect();
        all.sort_by_key(Process::pid);
        all
    }

    /// The number of live processes.
    pub fn process_count(&self) -> usize {
        self.inner.processes.len()
    }

    /// Kills a process, of this node or another; false if no such process is alive (for
    /// another node's process: if its node is not up).
    pub fn kill(&self, pid: Pid) -> bool {
        self.inner.kill_pid(Pid(0), pid)
    }

    /// The metrics guests recorded with `lunatic::metrics`.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    /// The name registry.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Registers a live process under `name`.
    ///
    /// # Errors
    /// When the process has ended.
    pub fn register(&self, name: &str, pid: Pid) -> Result<(), Error> {
        let cell = self.inner.cell(pid).ok_or(Error::NoSuchProcess(pid))?;
        self.inner.register(&cell, name);
        Ok(())
    }

    /// Subscribes to the observer data plane: a full snapshot first, then deltas.
    pub fn observe(&self) -> Observer {
        let (tx, rx) = mpsc::unbounded_channel();
        // If the aggregator is gone the observer just sees the stream end.
        let _ = self.inner.subscribe.send(tx);
        Observer::new(rx)
    }

    /// Kills every process. Processes hold the runtime alive (and with it the engine's
    /// memory pool), so an embedder that is done with a runtime calls this.
    pub fn shutdown(&self) {
        for p in self.processes() {
            p.kill();
        }
    }

    /// Lifecycle events dropped because observers fell behind.
    pub fn dropped_events(&self) -> u64 {
        self.inner.events.dropped()
    }

    /// µs since the runtime started (the clock of event timestamps).
    pub fn now_us(&self) -> u64 {
        self.inner.now_us()
    }

    /// The wasmtime engine its processes run on: fuel, epoch interruption and the arena's
    /// memories and stacks (`benches/bare` runs the benchmark workloads on it without grain,
    /// as the floor under grain's figures). Its epoch advances only while this runtime
    /// lives: keep the runtime, not just a clone of the engine, or its stores never yield.
    pub fn engine(&self) -> &wasmtime::Engine {
        &self.inner.engine
    }
}

impl RuntimeInner {
    pub(crate) fn compile(&self, name: &str, bytes: &[u8]) -> Result<Module, Error> {
        let start = Instant::now();
        let module =
            wasmtime::Module::new(&self.engine, bytes).map_err(|e| Error::InvalidModule {
                name: name.to_owned(),
                message: format!("{e:#}"),
            })?;
        let pre = self
            .linker
            .instantiate_pre(&module)
            .map_err(|e| Error::Link {
                name: name.to_owned(),
                message: format!("{e:#}"),
            })?;
        let id = self.next_module.fetch_add(1, Ordering::Relaxed);
        Ok(Module::new(
            id,
            name.to_owned(),
            Arc::from(bytes),
            bytes.len(),
            start.elapsed(),
            module,
            pre,
        ))
    }

    pub(crate) fn register(&self, cell: &crate::process::ProcessCell, name: &str) {
        cell.registered.store(true, Ordering::Relaxed);
        self.registry.put_in(cell.env.id, name, cell.pid);
        self.emit(
            cell.pid,
            crate::observe::EventKind::Registered {
                name: name.to_owned(),
            },
        );
    }
}
