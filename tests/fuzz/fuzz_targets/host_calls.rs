//! Host calls with arbitrary arguments: a guest calls a few lunatic host functions, chosen
//! and fed by the input, with pointers, lengths and ids anywhere. Each call returns, traps
//! the guest, or blocks until the guest is killed; the host never panics.
#![no_main]

use libfuzzer_sys::arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[path = "../../all/abi_table.rs"]
mod abi_table;

/// (namespace, name, params, results) of the host functions, parsed once.
type Table = Vec<(String, String, Vec<&'static str>, Vec<&'static str>)>;

fn abi() -> &'static Table {
    static ABI: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    ABI.get_or_init(abi_table::abi)
}

#[derive(Debug, Arbitrary)]
struct Call {
    function: u8,
    args: [u64; 8],
}

fuzz_target!(|calls: Vec<Call>| {
    let table = abi();
    let mut imports = String::new();
    let mut body = String::new();
    for (i, call) in calls.iter().take(4).enumerate() {
        let (module, name, params, results) = &table[call.function as usize % table.len()];
        imports.push_str(&format!(
            "(import \"{module}\" \"{name}\" (func $f{i} (param {}) (result {})))\n",
            params.join(" "),
            results.join(" ")
        ));
        let args: String = params
            .iter()
            .zip(call.args)
            .map(|(t, a)| match *t {
                "i64" => format!("(i64.const {})", a as i64),
                "f64" => format!("(f64.const {})", a as f64),
                _ => format!("(i32.const {})", a as u32 as i32),
            })
            .collect();
        body.push_str(&format!(
            "(call $f{i} {args}) {}\n",
            "(drop)".repeat(results.len())
        ));
    }
    let wat = format!(
        "(module {imports} (memory (export \"memory\") 1) (func (export \"main\") {body}))"
    );
    let (tokio, rt) = grain_fuzz::node();
    let loaded = {
        let _guard = tokio.enter();
        rt.load("calls", wat.as_bytes())
    };
    if let Ok(module) = loaded {
        grain_fuzz::run(&module, "main");
    }
});
