//! The name registry: processes registered under names, node-wide.
//!
//! As in Erlang, a name disappears when its process ends.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use crate::Pid;

/// Names → processes. Node ids are always 0 (this node).
#[derive(Debug, Default)]
pub struct Registry {
    names: Mutex<BTreeMap<String, Pid>>,
}

impl Registry {
    /// Registers `pid` under `name`, replacing any previous holder.
    pub fn put(&self, name: &str, pid: Pid) {
        self.lock().insert(name.to_owned(), pid);
    }

    /// The process registered under `name`.
    pub fn get(&self, name: &str) -> Option<Pid> {
        self.lock().get(name).copied()
    }

    /// Removes `name`; returns who held it.
    pub fn remove(&self, name: &str) -> Option<Pid> {
        self.lock().remove(name)
    }

    /// All registrations, sorted by name.
    pub fn list(&self) -> Vec<(String, Pid)> {
        self.lock().iter().map(|(n, p)| (n.clone(), *p)).collect()
    }

    /// The names `pid` is registered under.
    pub fn names_of(&self, pid: Pid) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|(_, p)| **p == pid)
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Drops every name of `pid`; returns them.
    pub(crate) fn remove_pid(&self, pid: Pid) -> Vec<String> {
        let mut names = self.lock();
        let gone: Vec<String> = names
            .iter()
            .filter(|(_, p)| **p == pid)
            .map(|(n, _)| n.clone())
            .collect();
        for name in &gone {
            names.remove(name);
        }
        gone
    }

    /// Holds the registry locked, for an atomic look-up-or-spawn.
    pub(crate) fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Pid>> {
        self.names.lock().expect("registry lock")
    }
}

/// The part of a lunatic-rs registry name a human wants: lunatic-rs registers
/// `"{type}/{serializer}/{Process|ProcessRef}/{name}"`.
pub fn display_name(name: &str) -> &str {
    name.splitn(4, '/').last().unwrap_or(name)
}
