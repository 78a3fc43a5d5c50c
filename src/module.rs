//! Compiled modules: compiled once, instantiated for every process spawned from them.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::process::ProcessState;

/// A compiled, linked module. Cheap to clone.
#[derive(Clone)]
pub struct Module(Arc<ModuleInner>);

struct ModuleInner {
    id: u64,
    /// The bytes it was compiled from (a remote spawn sends them to other nodes).
    bytes: Arc<[u8]>,
    /// Their SHA-256 in hex, computed on first use.
    digest: std::sync::OnceLock<String>,
    /// The names of its table's functions, read on first use.
    table_names: std::sync::OnceLock<crate::entry_names::TableNames>,
    name: String,
    /// Its version under its name (`name@version`); 0 for a module that is not kept under
    /// a name (compiled by a guest, or fetched by a remote spawn).
    version: std::sync::atomic::AtomicU32,
    /// The processes running it now.
    live: std::sync::atomic::AtomicUsize,
    size: usize,
    compile_time: Duration,
    module: wasmtime::Module,
    pre: wasmtime::InstancePre<ProcessState>,
}

/// An export or import of a module, for listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemInfo {
    /// For imports, the module it comes from (e.g. `lunatic::message`); empty for exports.
    pub namespace: String,
    /// The item's name.
    pub name: String,
    /// Its type, e.g. `func(i32, i64) -> i32` or `memory`.
    pub ty: String,
}

impl Module {
    #[allow(
        clippy::too_many_arguments,
        reason = "a plain constructor of a plain struct"
    )]
    pub(crate) fn new(
        id: u64,
        name: String,
        bytes: Arc<[u8]>,
        size: usize,
        compile_time: Duration,
        module: wasmtime::Module,
        pre: wasmtime::InstancePre<ProcessState>,
    ) -> Self {
        Module(Arc::new(ModuleInner {
            id,
            bytes,
            digest: std::sync::OnceLock::new(),
            table_names: std::sync::OnceLock::new(),
            name,
            version: Default::default(),
            live: Default::default(),
            size,
            compile_time,
            module,
            pre,
        }))
    }

    /// The runtime-wide id of this module.
    pub fn id(&self) -> u64 {
        self.0.id
    }

    /// The name it was loaded under.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// Its version under its name: 1 for the first module loaded under a name, 2 for the
    /// next, and so on; 0 for a module not kept under a name (compiled by a guest).
    pub fn version(&self) -> u32 {
        self.0.version.load(Relaxed)
    }

    pub(crate) fn set_version(&self, version: u32) {
        self.0.version.store(version, Relaxed);
    }

    /// `name@version`, or the bare name of an unversioned module.
    pub fn label(&self) -> String {
        label(self.name(), self.version())
    }

    /// How many processes run this module now.
    pub fn processes(&self) -> usize {
        self.0.live.load(Relaxed)
    }

    /// Counts a process that starts running it ([`Module::leave`] when it stops); true
    /// when it is the only one.
    pub(crate) fn enter(&self) -> bool {
        self.0.live.fetch_add(1, Relaxed) == 0
    }

    /// Counts a process that stops running it; true when it was the last.
    pub(crate) fn leave(&self) -> bool {
        self.0.live.fetch_sub(1, Relaxed) == 1
    }

    /// The bytes it was compiled from (wasm, or WAT text).
    pub fn bytes(&self) -> &[u8] {
        &self.0.bytes
    }

    /// The SHA-256 of its bytes, in hex: its name across a cluster.
    pub fn digest(&self) -> &str {
        self.0
            .digest
            .get_or_init(|| crate::cluster::digest(&self.0.bytes))
    }

    /// Size of the wasm binary in bytes.
    pub fn size(&self) -> usize {
        self.0.size
    }

    /// How long compilation took.
    pub fn compile_time(&self) -> Duration {
        self.0.compile_time
    }

    /// The underlying wasmtime module.
    pub fn wasm(&self) -> &wasmtime::Module {
        &self.0.module
    }

    /// What a process spawned as `function(params)` runs when `function` is lunatic-rs's
    /// spawn trampoline: the name of the function it calls (e.g.
    /// `bench::spawn_parked::{{closure}}`), read from the table and the name section.
    pub fn entry_name(&self, function: &str, params: &[crate::Param]) -> Option<Arc<str>> {
        if !crate::entry_names::is_trampoline(function) {
            return None;
        }
        self.0
            .table_names
            .get_or_init(|| crate::entry_names::TableNames::read(&self.0.bytes))
            .entry(params)
    }

    pub(crate) fn pre(&self) -> &wasmtime::InstancePre<ProcessState> {
        &self.0.pre
    }

    /// The type of an exported function, if the module exports one of that name.
    pub fn function(&self, name: &str) -> Option<wasmtime::FuncType> {
        self.0.module.get_export(name)?.func().cloned()
    }

    /// Does it import the function `name` from `namespace`?
    pub fn imports_function(&self, namespace: &str, name: &str) -> bool {
        self.0
            .module
            .imports()
            .any(|i| i.module() == namespace && i.name() == name)
    }

    /// The module's exports.
    pub fn exports(&self) -> Vec<ItemInfo> {
        self.0
            .module
            .exports()
            .map(|e| ItemInfo {
                namespace: String::new(),
                name: e.name().to_owned(),
                ty: describe(&e.ty()),
            })
            .collect()
    }

    /// The module's imports.
    pub fn imports(&self) -> Vec<ItemInfo> {
        self.0
            .module
            .imports()
            .map(|i| ItemInfo {
                namespace: i.module().to_owned(),
                name: i.name().to_owned(),
                ty: describe(&i.ty()),
            })
            .collect()
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("id", &self.0.id)
            .field("name", &self.0.name)
            .field("version", &self.version())
            .finish()
    }
}

/// `name@version`, or the bare name for version 0.
pub fn label(name: &str, version: u32) -> String {
    if version == 0 {
        name.to_owned()
    } else {
        format!("{name}@{version}")
    }
}

fn describe(ty: &wasmtime::ExternType) -> String {
    match ty {
        wasmtime::ExternType::Func(f) => describe_func(f),
        wasmtime::ExternType::Memory(_) => "memory".into(),
        wasmtime::ExternType::Table(_) => "table".into(),
        wasmtime::ExternType::Global(_) => "global".into(),
        wasmtime::ExternType::Tag(_) => "tag".into(),
    }
}

/// `func(i32, i64) -> i32`.
pub(crate) fn describe_func(f: &wasmtime::FuncType) -> String {
    let params: Vec<String> = f.params().map(|p| p.to_string()).collect();
    let results: Vec<String> = f.results().map(|p| p.to_string()).collect();
    let mut s = format!("func({})", params.join(", "));
    if !results.is_empty() {
        s.push_str(&format!(" -> {}", results.join(", ")));
    }
    s
}
