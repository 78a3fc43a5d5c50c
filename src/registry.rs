//! The name registry: processes registered under names, per environment.
//!
//! As in Erlang, a name disappears when its process ends. An environment is an isolated
//! namespace (the test runner gives each test its own); the host's is environment 0.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use crate::Pid;

/// Environment id and name.
pub(crate) type Key = (u64, String);

/// Names → processes. Node ids are always 0 (this node).
#[derive(Debug, Default)]
pub struct Registry {
    names: Mutex<BTreeMap<Key, Pid>>,
}

impl Registry {
    /// Registers `pid` under `name` in the host's environment, replacing any holder.
    pub fn put(&self, name: &str, pid: Pid) {
        self.lock().insert((0, name.to_owned()), pid);
    }

    /// The process registered under `name` in the host's environment.
    pub fn get(&self, name: &str) -> Option<Pid> {
        self.get_in(0, name)
    }

    /// Removes `name` from the host's environment; returns who held it.
    pub fn remove(&self, name: &str) -> Option<Pid> {
        self.remove_in(0, name)
    }

    /// All registrations of the host's environment, sorted by name.
    pub fn list(&self) -> Vec<(String, Pid)> {
        self.lock()
            .iter()
            .filter(|((env, _), _)| *env == 0)
            .map(|((_, n), p)| (n.clone(), *p))
            .collect()
    }

    /// The names `pid` is registered under (in any environment).
    pub fn names_of(&self, pid: Pid) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|(_, p)| **p == pid)
            .map(|((_, n), _)| n.clone())
            .collect()
    }

    pub(crate) fn put_in(&self, env: u64, name: &str, pid: Pid) {
        self.lock().insert((env, name.to_owned()), pid);
    }

    pub(crate) fn get_in(&self, env: u64, name: &str) -> Option<Pid> {
        self.lock().get(&(env, name.to_owned())).copied()
    }

    pub(crate) fn remove_in(&self, env: u64, name: &str) -> Option<Pid> {
        self.lock().remove(&(env, name.to_owned()))
    }

    /// Drops every name of `pid`; returns them.
    pub(crate) fn remove_pid(&self, pid: Pid) -> Vec<String> {
        let mut names = self.lock();
        let gone: Vec<Key> = names
            .iter()
            .filter(|(_, p)| **p == pid)
            .map(|(k, _)| k.clone())
            .collect();
        for key in &gone {
            names.remove(key);
        }
        gone.into_iter().map(|(_, n)| n).collect()
    }

    /// Holds the registry locked, for an atomic look-up-or-spawn.
    pub(crate) fn lock(&self) -> MutexGuard<'_, BTreeMap<Key, Pid>> {
        self.names.lock().expect("registry lock")
    }
}

/// The part of a lunatic-rs registry name a human wants: lunatic-rs registers
/// `"{type}/{serializer}/{Process|ProcessRef}/{name}"`.
pub fn display_name(name: &str) -> &str {
    name.splitn(4, '/').last().unwrap_or(name)
}
