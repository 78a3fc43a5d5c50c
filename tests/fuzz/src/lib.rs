//! Shared by the fuzz targets: one runtime per fuzzing process, and a helper that runs a
//! module's export under tight limits and returns when it has ended.

use std::sync::OnceLock;
use std::time::Duration;

use grain::{Module, ProcessConfig, Runtime, RuntimeConfig, Stdio};

/// The tokio runtime and the grain runtime every input uses.
pub fn node() -> &'static (tokio::runtime::Runtime, Runtime) {
    static NODE: OnceLock<(tokio::runtime::Runtime, Runtime)> = OnceLock::new();
    NODE.get_or_init(|| {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let (stdio, _, _) = Stdio::captured();
        let config = RuntimeConfig {
            stdio,
            max_processes: 64,
            max_mailbox: Some(1_000),
            ..RuntimeConfig::default()
        };
        let rt = {
            let _guard = tokio.enter();
            Runtime::new(config).expect("a grain runtime")
        };
        (tokio, rt)
    })
}

/// Runs `function` of `module` with small fuel and memory limits and every permission, and
/// waits for it (and anything it spawned) to end; a process still running after a second
/// is killed. Whatever the guest does, this must return.
pub fn run(module: &Module, function: &str) {
    let (tokio, rt) = node();
    tokio.block_on(async {
        let config = ProcessConfig {
            max_fuel: Some(10_000_000),
            max_memory: Some(16 << 20),
            ..ProcessConfig::root()
        };
        let Ok(process) = rt.spawn(module, function, &[], config) else {
            return;
        };
        if tokio::time::timeout(Duration::from_secs(1), process.wait())
            .await
            .is_err()
        {
            process.kill();
            process.wait().await;
        }
        for p in rt.processes() {
            if p.module().is_some() {
                p.kill();
                p.wait().await;
            }
        }
    });
}
