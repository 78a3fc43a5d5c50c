//! Loading modules under names, and finding their versions.

use std::path::Path;

use crate::error::Error;
use crate::module::Module;
use crate::observe::EventKind;
use crate::{Pid, Runtime};

impl Runtime {
    /// Compiles a module from wasm bytes or WAT text and keeps it as the current version of
    /// `name` (`name@1` for the first, then `@2`...). Spawns and supervisor restarts use
    /// the current version; processes running an older one keep it until they end or are
    /// upgraded or purged.
    ///
    /// # Errors
    /// When the module is invalid or imports something grain does not provide.
    pub fn load(&self, name: &str, bytes: &[u8]) -> Result<Module, Error> {
        let module = self.inner.compile(name, bytes)?;
        self.inner.versions.add(&module);
        self.inner.emit(
            Pid::new(self.node_id(), 0),
            EventKind::Loaded {
                module: name.to_owned(),
                version: module.version(),
            },
        );
        Ok(module)
    }

    /// Reads and loads a `.wasm` or `.wat` file, named after the file's stem.
    ///
    /// # Errors
    /// When the file cannot be read, or as [`Runtime::load`].
    pub fn load_file(&self, path: impl AsRef<Path>) -> Result<Module, Error> {
        self.load_file_as(path, None)
    }

    /// Reads and loads a `.wasm` or `.wat` file under `name` (the file's stem if `None`).
    ///
    /// # Errors
    /// When the file cannot be read, or as [`Runtime::load`].
    pub fn load_file_as(
        &self,
        path: impl AsRef<Path>,
        name: Option<&str>,
    ) -> Result<Module, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|reason| Error::Read {
            path: path.to_owned(),
            reason,
        })?;
        let name = name.map(str::to_owned).unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "module".into())
        });
        let claims_binary = path.extension().is_some_and(|e| e == "wasm");
        if claims_binary && !bytes.starts_with(b"\0asm") {
            return Err(Error::InvalidModule {
                name,
                message: format!(
                    "{} is not a WebAssembly binary (it does not start with \\0asm)",
                    path.display()
                ),
            });
        }
        self.load(&name, &bytes)
    }

    /// The current version of every module loaded under a name.
    pub fn modules(&self) -> Vec<Module> {
        self.inner.versions.current()
    }

    /// Every version kept: the current ones and the old ones processes still run, by name,
    /// oldest first.
    pub fn module_versions(&self) -> Vec<Module> {
        self.inner.versions.all()
    }

    /// The module `spec` names: `name` is its current version, `name@N` version N.
    pub fn module(&self, spec: &str) -> Option<Module> {
        self.inner.versions.resolve(spec)
    }

    /// Is `module` the current version of its name?
    pub fn is_current(&self, module: &Module) -> bool {
        self.inner.versions.is_current(module)
    }
}
