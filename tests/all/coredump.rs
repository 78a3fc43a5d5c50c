//! Coredumps: a process that traps on a node that keeps them leaves a standard wasm
//! coredump, its exit record names the file, and a node that keeps none writes none.

use grain::ExitReason;
use wasmparser::{KnownCustom, Parser, Payload};

use crate::support::{Node, wait};

const TRAPS: &str = r#"(data (i32.const 4000) "grain-was-here")
    (func (export "main") unreachable)"#;

#[tokio::test]
async fn a_trap_leaves_a_wasm_coredump_named_in_its_exit_record() {
    let dir = std::env::temp_dir().join(format!("grain-coredump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let node = Node::configured(|c| c.coredump_dir = Some(dir.clone()));
    let p = node.spawn(TRAPS, "main");
    assert!(matches!(wait(&p).await, ExitReason::Trap(_)));
    let record = node.rt.exited(p.pid()).expect("remembered");
    let path = record.coredump.expect("the record names its coredump");
    assert!(path.starts_with(&dir), "{}", path.display());
    let bytes = std::fs::read(&path).unwrap();
    // A wasm module whose custom sections are the tool-conventions coredump's, with the
    // process's memory in it.
    let mut core = false;
    let mut stack = false;
    for payload in Parser::new(0).parse_all(&bytes) {
        if let Payload::CustomSection(section) = payload.expect("a valid module") {
            match section.as_known() {
                KnownCustom::CoreDump(dump) => core = dump.name.starts_with("test-0."),
                KnownCustom::CoreDumpStack(stack_section) => {
                    stack = !stack_section.frames.is_empty()
                }
                _ => {}
            }
        }
    }
    assert!(core && stack, "core {core}, stack {stack}");
    assert!(
        bytes.windows(14).any(|w| w == b"grain-was-here"),
        "the memory is in the dump"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_node_without_a_coredump_dir_keeps_none() {
    let node = Node::new();
    let p = node.spawn(TRAPS, "main");
    wait(&p).await;
    assert_eq!(node.rt.exited(p.pid()).expect("remembered").coredump, None);
}
