//! Per-process resource tables: guests name configs, modules, errors and timers by u64 ids.

use std::collections::HashMap;

/// A table of resources with fresh ids (never reused within a process).
#[derive(Debug)]
pub struct Resources<T> {
    next: u64,
    items: HashMap<u64, T>,
}

impl<T> Default for Resources<T> {
    fn default() -> Self {
        Resources {
            next: 1,
            items: HashMap::new(),
        }
    }
}

impl<T> Resources<T> {
    /// A table whose first id is `first` (lunatic's own tables count from 0, and some guest
    /// code relies on it).
    pub fn starting_at(first: u64) -> Self {
        Resources {
            next: first,
            items: HashMap::new(),
        }
    }

    /// Stores `item` and returns its id.
    pub fn add(&mut self, item: T) -> u64 {
        let id = self.next;
        self.next += 1;
        self.items.insert(id, item);
        id
    }

    /// The resource with this id.
    pub fn get(&self, id: u64) -> Option<&T> {
        self.items.get(&id)
    }

    /// The resource with this id, mutably.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut T> {
        self.items.get_mut(&id)
    }

    /// Removes and returns the resource.
    pub fn remove(&mut self, id: u64) -> Option<T> {
        self.items.remove(&id)
    }

    /// The number of live resources.
    #[allow(clippy::len_without_is_empty, reason = "only the count is needed")]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Keeps only the resources for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|_, v| keep(v));
    }
}
