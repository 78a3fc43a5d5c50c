//! Every version of every module kept under a name: the current one, which spawns and
//! supervisor restarts use, and the old ones that processes still run.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::module::Module;

/// The modules loaded under names, each with its versions, oldest first.
#[derive(Default)]
pub(crate) struct Versions {
    by_name: Mutex<BTreeMap<String, Vec<Module>>>,
}

impl Versions {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<Module>>> {
        self.by_name.lock().expect("versions lock")
    }

    /// Keeps `module` as the current version of its name, numbered after the last one.
    /// Old versions that no process runs are dropped; the ones still running are returned.
    pub fn add(&self, module: &Module) -> Vec<Module> {
        let mut map = self.lock();
        let list = map.entry(module.name().to_owned()).or_default();
        let version = list.last().map_or(1, |m| m.version() + 1);
        module.set_version(version);
        list.retain(|m| m.processes() > 0);
        let old = list.clone();
        list.push(module.clone());
        old
    }

    /// Keeps `module` again if it was dropped while no process ran it and a process runs
    /// it once more (a pinned supervisor child restarted on an old version).
    pub fn keep(&self, module: &Module) {
        if module.version() == 0 {
            return;
        }
        let mut map = self.lock();
        let list = map.entry(module.name().to_owned()).or_default();
        if let Err(at) = list.binary_search_by_key(&module.version(), Module::version) {
            list.insert(at, module.clone());
        }
    }

    /// The module `spec` names: `name` is its current version, `name@N` version N.
    pub fn resolve(&self, spec: &str) -> Option<Module> {
        let (name, version) = split(spec);
        let map = self.lock();
        let list = map.get(name)?;
        match version {
            None => list.last().cloned(),
            Some(v) => list.iter().find(|m| m.version() == v).cloned(),
        }
    }

    /// The current version of `module`'s name, if it was kept under it (a module compiled
    /// by a guest is not), else `module` itself.
    pub fn latest(&self, module: &Module) -> Module {
        if module.version() == 0 {
            return module.clone();
        }
        self.resolve(module.name())
            .unwrap_or_else(|| module.clone())
    }

    /// Is `module` the current version of its name?
    pub fn is_current(&self, module: &Module) -> bool {
        self.lock()
            .get(module.name())
            .and_then(|l| l.last())
            .is_some_and(|m| m.id() == module.id())
    }

    /// Every version of every name, by name, oldest version first.
    pub fn all(&self) -> Vec<Module> {
        self.lock().values().flatten().cloned().collect()
    }

    /// The current version of every name.
    pub fn current(&self) -> Vec<Module> {
        self.lock()
            .values()
            .filter_map(|l| l.last().cloned())
            .collect()
    }

    /// The module with this runtime-wide id, of any version.
    pub fn by_id(&self, id: u64) -> Option<Module> {
        self.lock()
            .values()
            .flatten()
            .find(|m| m.id() == id)
            .cloned()
    }

    /// The old versions of `name` (all but the current one).
    pub fn old(&self, name: &str) -> Vec<Module> {
        let map = self.lock();
        map.get(name)
            .map(|l| l[..l.len().saturating_sub(1)].to_vec())
            .unwrap_or_default()
    }

    /// Drops the old versions of `name` that no process runs.
    pub fn sweep(&self, name: &str) {
        let mut map = self.lock();
        if let Some(list) = map.get_mut(name) {
            let last = list.len().saturating_sub(1);
            let mut i = 0;
            list.retain(|m| {
                i += 1;
                i - 1 == last || m.processes() > 0
            });
        }
    }
}

/// `name@3` → (`name`, Some(3)); `name` → (`name`, None). A bad number is part of the name
/// (and so names nothing).
pub fn split(spec: &str) -> (&str, Option<u32>) {
    match spec.rsplit_once('@') {
        Some((name, v)) => match v.parse() {
            Ok(v) => (name, Some(v)),
            Err(_) => (spec, None),
        },
        None => (spec, None),
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_spec_names_a_version_or_the_current_one() {
        assert_eq!(split("counter@2"), ("counter", Some(2)));
        assert_eq!(split("counter"), ("counter", None));
        assert_eq!(split("counter@x"), ("counter@x", None));
    }
}
