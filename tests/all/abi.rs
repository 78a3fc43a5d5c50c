//! Every function of the lunatic ABI is linked, so any lunatic-rs module loads; the ones not
//! implemented yet trap with a message naming the function.

use grain::{ProcessConfig, TrapKind};

use crate::abi_table::abi;
use crate::support::{Node, trap_kind, wait};

fn import_all() -> String {
    let mut wat = String::from("(module\n");
    for (i, (ns, name, params, results)) in abi().iter().enumerate() {
        wat.push_str(&format!(
            "  (import \"{ns}\" \"{name}\" (func $f{i} (param {}) (result {})))\n",
            params.join(" "),
            results.join(" ")
        ));
    }
    let find = |name: &str| abi().iter().position(|(_, n, _, _)| n == name).unwrap();
    wat.push_str("  (memory (export \"memory\") 1)\n");
    let zeros = "(i32.const 0) ".repeat(6);
    wat.push_str(&format!(
        "  (func (export \"bind\") (drop (call $f{} {zeros})))\n",
        find("tcp_bind")
    ));
    wat.push_str(&format!(
        "  (func (export \"cert\") (drop (call $f{} (i32.const 0))))\n)",
        find("test_root_cert")
    ));
    wat
}

#[test]
fn the_abi_table_has_all_140_functions() {
    assert_eq!(abi().len(), 140);
}

#[tokio::test]
async fn a_module_importing_every_lunatic_function_loads() {
    let node = Node::new();
    let module = node
        .rt
        .load("everything", import_all().as_bytes())
        .expect("links");
    assert_eq!(module.imports().len(), 140);
    // Bad arguments trap, naming the function.
    let p = node
        .rt
        .spawn(&module, "bind", &[], ProcessConfig::root())
        .unwrap();
    let reason = wait(&p).await;
    assert_eq!(trap_kind(&reason), Some(TrapKind::HostError));
    let message = &reason.trap().unwrap().message;
    assert!(
        message.contains("lunatic::networking::tcp_bind"),
        "{message}"
    );
    assert!(message.contains("address type 0"), "{message}");
    // So does a function that means nothing on a single node.
    let p = node
        .rt
        .spawn(&module, "cert", &[], ProcessConfig::root())
        .unwrap();
    let message = wait(&p).await.trap().unwrap().message.clone();
    assert!(
        message.contains("lunatic::distributed::test_root_cert"),
        "{message}"
    );
}

#[tokio::test]
async fn a_module_importing_something_unknown_fails_to_load_with_the_name() {
    let node = Node::new();
    let err = node
        .rt
        .load(
            "bad",
            br#"(module (import "lunatic::process" "teleport" (func)) (memory (export "memory") 1))"#,
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("teleport"), "{text}");
    assert!(matches!(err, grain::Error::Link { .. }));
}

#[tokio::test]
async fn an_invalid_module_is_a_clear_error() {
    let node = Node::new();
    let err = node.rt.load("bad", b"\0asm\x01\0\0\0\x05").unwrap_err();
    assert!(matches!(err, grain::Error::InvalidModule { .. }), "{err}");
}

#[tokio::test]
async fn loading_under_a_name_again_replaces_the_module() {
    let node = Node::new();
    let body = r#"(func (export "main"))"#;
    for _ in 0..3 {
        node.rt
            .load("same", crate::support::wat(body).as_bytes())
            .unwrap();
    }
    node.rt
        .load("other", crate::support::wat(body).as_bytes())
        .unwrap();
    let mut names: Vec<String> = node
        .rt
        .modules()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["other", "same"]);
}
