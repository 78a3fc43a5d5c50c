//! The module loader on raw bytes: any input is a module or a clear error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (tokio, rt) = grain_fuzz::node();
    let _guard = tokio.enter();
    let _ = rt.load("fuzz", data);
});
