//! Valid modules from wasm-smith, loaded and, when they export a function taking nothing,
//! run under small fuel and memory limits: a guest may trap, loop or grow, never harm the
//! host.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let mut config: wasm_smith::Config = u.arbitrary()?;
    // Imports grain does not provide only exercise the loader's error path; keep most
    // modules self-contained so they get to run.
    config.max_imports = 0;
    config.max_memory32_bytes = 16 << 20;
    config.threads_enabled = false;
    config.exceptions_enabled = false;
    Ok(wasm_smith::Module::new(config, u)?.to_bytes())
}

fuzz_target!(|data: &[u8]| {
    let Ok(bytes) = module(&mut Unstructured::new(data)) else {
        return;
    };
    let (tokio, rt) = grain_fuzz::node();
    let loaded = {
        let _guard = tokio.enter();
        rt.load("smith", &bytes)
    };
    let Ok(module) = loaded else { return };
    let runnable: Vec<String> = module
        .exports()
        .into_iter()
        .filter(|e| e.ty == "func()")
        .map(|e| e.name)
        .collect();
    for name in runnable.iter().take(3) {
        grain_fuzz::run(&module, name);
    }
});
