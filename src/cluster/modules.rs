//! Modules across the cluster, addressed by content: a remote spawn names the SHA-256 of
//! the module's bytes; the bytes are stored once in the cluster's JetStream object store,
//! fetched by a node that lacks them, checked against the digest, compiled once per node
//! (off the dispatcher, so a compiling spawn never holds up other traffic) and kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_nats::jetstream::object_store::{self, ObjectStore};
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;
use tokio::sync::OnceCell;

use super::ClusterError;
use crate::module::Module;
use crate::runtime::RuntimeInner;

/// The hex SHA-256 of `bytes`.
pub(crate) fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

type Slot<T> = Arc<OnceCell<Result<T, String>>>;

/// The cluster's modules as this node sees them.
pub(crate) struct ModuleStore {
    store: ObjectStore,
    /// Compiled modules by digest (each compiled once, however many spawns ask at once).
    compiled: Mutex<HashMap<String, Slot<Module>>>,
    /// Digests known to be in the object store.
    stored: Mutex<HashMap<String, Slot<()>>>,
}

fn slot<T>(map: &Mutex<HashMap<String, Slot<T>>>, key: &str) -> Slot<T> {
    map.lock()
        .expect("module store lock")
        .entry(key.to_owned())
        .or_default()
        .clone()
}

impl ModuleStore {
    /// Opens (creating if needed) the cluster's object store.
    pub(crate) async fn open(
        js: &async_nats::jetstream::Context,
        cluster: &str,
    ) -> Result<Self, ClusterError> {
        let bucket = format!("grain-{cluster}-modules");
        let config = object_store::Config {
            bucket: bucket.clone(),
            ..Default::default()
        };
        let store = match js.create_object_store(config).await {
            Ok(store) => store,
            Err(_) => js
                .get_object_store(&bucket)
                .await
                .map_err(|e| ClusterError::JetStream(e.to_string()))?,
        };
        Ok(ModuleStore {
            store,
            compiled: Mutex::default(),
            stored: Mutex::default(),
        })
    }

    /// Makes sure `module`'s bytes are in the cluster; returns their digest.
    pub(crate) async fn publish(&self, module: &Module) -> Result<String, String> {
        let digest = module.digest().to_owned();
        let slot = slot(&self.stored, &digest);
        let stored = slot
            .get_or_init(|| async {
                if self.store.info(&digest).await.is_ok() {
                    return Ok(());
                }
                let mut bytes = module.bytes();
                self.store
                    .put(digest.as_str(), &mut bytes)
                    .await
                    .map(drop)
                    .map_err(|e| format!("cannot store module {}: {e}", module.name()))
            })
            .await
            .clone();
        if stored.is_err() {
            // Not remembered: the next spawn tries again.
            self.stored
                .lock()
                .expect("module store lock")
                .remove(&digest);
        }
        stored.map(|()| digest)
    }

    /// The module with this digest, fetched and compiled if this node lacks it.
    pub(crate) async fn get(
        &self,
        rt: &Arc<RuntimeInner>,
        digest: &str,
        name: &str,
    ) -> Result<Module, String> {
        let slot = slot(&self.compiled, digest);
        let module = slot
            .get_or_init(|| self.fetch_and_compile(rt, digest, name))
            .await
            .clone();
        if module.is_err() {
            self.compiled
                .lock()
                .expect("module store lock")
                .remove(digest);
        }
        module
    }

    async fn fetch_and_compile(
        &self,
        rt: &Arc<RuntimeInner>,
        digest: &str,
        name: &str,
    ) -> Result<Module, String> {
        // A module this node loaded itself needs no fetch.
        if let Some(m) = rt.versions.all().into_iter().find(|m| m.digest() == digest) {
            return Ok(m);
        }
        let mut object = self
            .store
            .get(digest)
            .await
            .map_err(|e| format!("module {digest} is not in the cluster: {e}"))?;
        let mut bytes = Vec::new();
        object
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| format!("cannot fetch module {digest}: {e}"))?;
        let got = self::digest(&bytes);
        if got != digest {
            return Err(format!(
                "module {digest} arrived with digest {got}: refused"
            ));
        }
        let (rt, name) = (rt.clone(), name.to_owned());
        tokio::task::spawn_blocking(move || rt.compile(&name, &bytes))
            .await
            .map_err(|e| format!("compilation task failed: {e}"))?
            .map_err(|e| e.to_string())
    }

    /// How many modules this node has compiled for remote spawns.
    pub(crate) fn compiled(&self) -> usize {
        self.compiled.lock().expect("module store lock").len()
    }
}
