//! The rest of the ABI: version, errors, compile_module, trap::catch, the local meaning of
//! `lunatic::distributed`, and the WASI sandbox of configs.

use grain::{ExitReason, ProcessConfig};

use crate::support::{Node, wait};

/// `bytes` as a WAT data string.
fn data_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

#[tokio::test]
async fn version_reports_the_lunatic_abi_level() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (import "lunatic::version" "major" (func $major (result i32)))
    (import "lunatic::version" "minor" (func $minor (result i32)))
    (import "lunatic::version" "patch" (func $patch (result i32)))
    (func (export "main")
      (call $print_num (i64.extend_i32_u (call $major)))
      (call $print_num (i64.extend_i32_u (call $minor)))
      (call $print_num (i64.extend_i32_u (call $patch))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "0\n13\n2\n");
}

#[tokio::test]
async fn compile_module_compiles_spawns_and_reports_errors_by_id() {
    let child = wat::parse_str(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (data (i32.const 64) "compiled child\n")
            (func (export "run")
              (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 15))
              (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    let node = Node::new();
    let body = format!(
        r#"
    (import "lunatic::process" "compile_module" (func $compile (param i32 i32 i32) (result i32)))
    (import "lunatic::error" "string_size" (func $err_size (param i64) (result i32)))
    (import "lunatic::error" "to_string" (func $err_text (param i64 i32)))
    (import "lunatic::error" "drop" (func $err_drop (param i64)))
    (data (i32.const 1024) "run")
    (data (i32.const 1100) "{child}")
    (data (i32.const 4000) "not wasm")
    (func (export "main")
      (local $id i64) (local $pid i64)
      (call $print_num (i64.extend_i32_s (call $compile (i32.const 1100) (i32.const {len}) (i32.const 200))))
      (local.set $id (i64.load (i32.const 200)))
      (if (call $spawn (i64.const 0) (i64.const -1) (local.get $id)
            (i32.const 1024) (i32.const 3) (i32.const 32) (i32.const 0) (i32.const 24))
        (then unreachable))
      (local.set $pid (i64.load (i32.const 24)))
      (call $monitor (local.get $pid))
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      ;; Garbage does not compile: 1 and an error with a message.
      (call $print_num (i64.extend_i32_s (call $compile (i32.const 4000) (i32.const 8) (i32.const 200))))
      (local.set $id (i64.load (i32.const 200)))
      (call $print_num (i64.extend_i32_u (i32.gt_u (call $err_size (local.get $id)) (i32.const 0))))
      (call $err_text (local.get $id) (i32.const 5000))
      (call $err_drop (local.get $id)))"#,
        child = data_string(&child),
        len = child.len()
    );
    let (reason, out) = node.run(&body).await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "0\ncompiled child\n1\n1\n");
}

#[tokio::test]
async fn compile_module_without_permission_returns_minus_one() {
    let node = Node::new();
    let module = node.load(
        r#"
    (import "lunatic::process" "compile_module" (func $compile (param i32 i32 i32) (result i32)))
    (func (export "main")
      (call $print_num (i64.extend_i32_s (call $compile (i32.const 0) (i32.const 8) (i32.const 200)))))"#,
    );
    let p = node
        .rt
        .spawn(&module, "main", &[], ProcessConfig::default())
        .unwrap();
    assert_eq!(wait(&p).await, ExitReason::Normal);
    assert_eq!(node.stdout.text(), "-1\n");
}

#[tokio::test]
async fn trap_catch_survives_a_trap_and_passes_results_through() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (import "lunatic::trap" "catch" (func $catch (param i32 i32) (result i32)))
    (type $t (func (param i32) (result i32)))
    (table 2 funcref)
    (elem (i32.const 0) $ok $boom)
    (func $ok (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $boom (param i32) (result i32) unreachable)
    (func (export "_lunatic_catch_trap") (param $f i32) (param $p i32) (result i32)
      (call_indirect (type $t) (local.get $p) (local.get $f)))
    (func (export "main")
      (call $print_num (i64.extend_i32_s (call $catch (i32.const 0) (i32.const 41))))
      (call $print_num (i64.extend_i32_s (call $catch (i32.const 1) (i32.const 0))))
      (call $print_num (i64.const 7)))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "42\n0\n7\n");
}

#[tokio::test]
async fn distributed_functions_mean_this_node() {
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (import "lunatic::distributed" "node_id" (func $node_id (result i64)))
    (import "lunatic::distributed" "nodes_count" (func $nodes_count (result i32)))
    (import "lunatic::distributed" "send" (func $dsend (param i64 i64) (result i32)))
    (func (export "main")
      (call $print_num (call $node_id))
      (call $print_num (i64.extend_i32_u (call $nodes_count)))
      (call $create_data (i64.const 0) (i64.const 8))
      (i64.store (i32.const 56) (i64.const 99))
      (drop (call $write_data (i32.const 56) (i32.const 8)))
      (drop (call $dsend (i64.const 0) (call $process_id)))
      (call $print_num (call $recv_i64)))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(out, "0\n0\n99\n");
}

#[tokio::test]
async fn the_sandbox_leaks_no_host_environment_and_configs_pass_on_what_they_grant() {
    // SAFETY-free: set_var is unsafe in edition 2024, so the host variable comes from PATH,
    // which every test process has.
    assert!(std::env::var_os("PATH").is_some());
    let node = Node::new();
    let (reason, out) = node
        .run(
            r#"
    (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
    (import "lunatic::process" "create_config" (func $create_config (result i64)))
    (import "lunatic::wasi" "config_add_environment_variable"
      (func $add_env (param i64 i32 i32 i32 i32)))
    (import "lunatic::wasi" "config_preopen_dir" (func $preopen (param i64 i32 i32)))
    (data (i32.const 1024) "count")
    (data (i32.const 1040) "KEY")
    (data (i32.const 1048) "value")
    (data (i32.const 1056) "/")
    (func $count_env (drop (call $env_sizes (i32.const 300) (i32.const 304)))
      (call $print_num (i64.extend_i32_u (i32.load (i32.const 300)))))
    (func (export "count") (call $count_env))
    (func (export "main")
      (local $config i64)
      (call $count_env)
      (local.set $config (call $create_config))
      (call $add_env (local.get $config) (i32.const 1040) (i32.const 3) (i32.const 1048) (i32.const 5))
      (if (call $spawn (i64.const 0) (local.get $config) (i64.const -1)
            (i32.const 1024) (i32.const 5) (i32.const 32) (i32.const 0) (i32.const 24))
        (then unreachable))
      (call $monitor (i64.load (i32.const 24)))
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      ;; This process was granted no directory, so it cannot grant "/".
      (call $preopen (local.get $config) (i32.const 1056) (i32.const 1)))"#,
        )
        .await;
    assert_eq!(out, "0\n1\n");
    let trap = reason.trap().expect("preopen of an ungranted dir traps");
    assert!(
        trap.message
            .contains("not inside a directory this process was granted"),
        "{trap:?}"
    );
}

#[tokio::test]
async fn a_granted_directory_is_visible_and_nothing_else_is() {
    let node = Node::new();
    let module = node.load(
        r#"
    (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
    ;; fd 3 is the first preopened directory: errno 0 if there is one, 8 (badf) if not.
    (func (export "main") (call $print_num (i64.extend_i32_u (call $prestat (i32.const 3) (i32.const 300)))))"#,
    );
    let dir = std::env::temp_dir();
    let mut granted = ProcessConfig::default();
    granted.wasi.dirs.push(grain::PreopenDir::same_path(&dir));
    let p = node.rt.spawn(&module, "main", &[], granted).unwrap();
    assert_eq!(wait(&p).await, ExitReason::Normal);
    let p = node
        .rt
        .spawn(&module, "main", &[], ProcessConfig::default())
        .unwrap();
    assert_eq!(wait(&p).await, ExitReason::Normal);
    assert_eq!(node.stdout.text(), "0\n8\n");
}

/// A lunatic-rs process runs its entry through the `_lunatic_spawn_by_index` trampoline;
/// grain names it by the function the table slots point at (through `type_helper_wrapper`
/// to the user's function), in `Process::function`, rows and exit records, while the
/// export stays the trampoline.
#[tokio::test]
async fn a_trampoline_spawn_is_named_by_the_function_it_runs() {
    let bytes = wat::parse_str(
        r#"(module
            (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
            (memory (export "memory") 1)
            (type $entry (func (param i32)))
            (table 4 funcref)
            (elem (i32.const 1) $_ZN7lunatic7mailbox19type_helper_wrapper17h0123456789abcdefE
                                $_ZN5bench12spawn_parked28_$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE)
            (func $_ZN7lunatic7mailbox19type_helper_wrapper17h0123456789abcdefE (param i32)
              (call_indirect (type $entry) (local.get 0) (local.get 0)))
            (func $_ZN5bench12spawn_parked28_$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE (param i32)
              (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))
            (func (export "_lunatic_spawn_by_index_0.14.1") (param i32 i32)
              (call_indirect (type $entry) (local.get 1) (local.get 0))))"#,
    )
    .unwrap();
    let node = Node::new();
    let module = node.rt.load("bench", &bytes).unwrap();
    let p = node
        .rt
        .spawn(
            &module,
            "_lunatic_spawn_by_index_0.14.1",
            &[grain::Param::I32(1), grain::Param::I32(2)],
            ProcessConfig::default(),
        )
        .unwrap();
    assert_eq!(p.function(), "bench::spawn_parked::{{closure}}");
    assert_eq!(p.export(), "_lunatic_spawn_by_index_0.14.1");
    let mut observer = node.rt.observe();
    let Some(grain::observe::Update::Full(snapshot)) = observer.next().await else {
        panic!("the first update is a snapshot")
    };
    let row = snapshot
        .processes
        .into_iter()
        .find(|r| r.pid == p.pid())
        .expect("a row");
    assert_eq!(row.function, "bench::spawn_parked::{{closure}}");
    node.rt.kill(p.pid());
    wait(&p).await;
    let record = node.rt.exited(p.pid()).expect("remembered");
    assert_eq!(record.function, "bench::spawn_parked::{{closure}}");
    // A slot that names nothing leaves the export's name.
    let q = node
        .rt
        .spawn(
            &module,
            "_lunatic_spawn_by_index_0.14.1",
            &[grain::Param::I32(3), grain::Param::I32(0)],
            ProcessConfig::default(),
        )
        .unwrap();
    assert_eq!(q.function(), "_lunatic_spawn_by_index_0.14.1");
}
