//! Linear memory from grain's arena: growth past a slot keeps the bytes, every access out of
//! bounds traps (there are no guard pages; compiled code checks), and a freed slot comes
//! back zeroed for its next owner.

use grain::{ExitReason, TrapKind};

use crate::support::{Node, trap_kind};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_keeps_its_bytes_as_it_grows_out_of_its_slot_and_beyond() {
    let node = Node::new();
    // 2 pages to start; 1024 + 16 pages (65 MiB) at the end, in three steps: inside the
    // 8 MiB slot, out to a mapping of its own, and a remap of that mapping.
    let (reason, _) = node
        .run(
            r#"(func (export "main")
                 (i64.store (i32.const 2048) (i64.const 0x1122334455667788))
                 (drop (memory.grow (i32.const 60)))
                 (i64.store (i32.const 0x3c0000) (i64.const 42))
                 (drop (memory.grow (i32.const 200)))
                 (i64.store (i32.const 0x1000000) (i64.const 43))
                 (drop (memory.grow (i32.const 778)))
                 (i64.store (i32.const 0x40fff00) (i64.const 44))
                 (call $print_num (i64.extend_i32_u (memory.size)))
                 (call $print_num (i64.load (i32.const 2048)))
                 (call $print_num (i64.load (i32.const 0x3c0000)))
                 (call $print_num (i64.load (i32.const 0x1000000)))
                 (call $print_num (i64.load (i32.const 0x40fff00))))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(
        node.lines(),
        ["1040", &0x1122334455667788i64.to_string(), "42", "43", "44"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_one_byte_past_the_end_traps_whatever_the_memory_size() {
    let node = Node::new();
    // Inside the slot (2 pages) and after moving out of it (300 pages).
    for (grow, end) in [(0, 2 * 65_536), (298, 300 * 65_536)] {
        let (reason, _) = node
            .run(&format!(
                r#"(func (export "main")
                     (drop (memory.grow (i32.const {grow})))
                     (i32.store8 (i32.const {last}) (i32.const 1))
                     (i32.store8 (i32.const {end}) (i32.const 1)))"#,
                last = end - 1
            ))
            .await;
        assert_eq!(trap_kind(&reason), Some(TrapKind::OutOfBounds), "{reason}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_process_never_sees_an_old_ones_bytes() {
    let node = Node::new();
    let writer = r#"(func (export "main")
        (drop (memory.grow (i32.const 8)))
        (memory.fill (i32.const 4096) (i32.const 0xAB) (i32.const 600000)))"#;
    for _ in 0..20 {
        assert_eq!(node.run(writer).await.0, ExitReason::Normal);
    }
    // A reader gets a recycled slot: every byte past the prelude's scratch area is zero.
    let (reason, _) = node
        .run(
            r#"(func (export "main")
                 (local $i i32) (local $sum i64)
                 (drop (memory.grow (i32.const 8)))
                 (local.set $i (i32.const 4096))
                 (loop $scan
                   (local.set $sum (i64.add (local.get $sum) (i64.load8_u (local.get $i))))
                   (local.set $i (i32.add (local.get $i) (i32.const 1)))
                   (br_if $scan (i32.lt_u (local.get $i) (i32.const 604096))))
                 (call $print_num (local.get $sum)))"#,
        )
        .await;
    assert_eq!(reason, ExitReason::Normal);
    assert_eq!(node.lines().last().map(String::as_str), Some("0"));
}
