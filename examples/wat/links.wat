;; links.wat: a linked child crashes. This process traps link deaths
;; (die_when_link_dies(0)), so instead of dying with the child it receives a notice:
;; receive returns 1, and the notice carries the link's tag.
;;
;;   grain run examples/wat/links.wat
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "spawn"
    (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "die_when_link_dies" (func $die_when_link_dies (param i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 100) "crash")
  (data (i32.const 200) "link died: tag 7\n")
  (data (i32.const 300) "unexpected\n")

  (func $crash (export "crash") unreachable)

  (func $start (export "_start")
    (call $die_when_link_dies (i32.const 0))
    ;; A non-zero first argument links the child to us, with that tag.
    (drop (call $spawn (i64.const 7) (i64.const -1) (i64.const -1)
      (i32.const 100) (i32.const 5) (i32.const 32) (i32.const 0) (i32.const 24)))
    (i32.store (i32.const 0) (i32.const 300))
    (i32.store (i32.const 4) (i32.const 11))
    (if (i32.eq (call $receive (i32.const 0) (i32.const 0) (i64.const -1)) (i32.const 1))
      (then (if (i64.eq (call $get_tag) (i64.const 7))
        (then (i32.store (i32.const 0) (i32.const 200))
              (i32.store (i32.const 4) (i32.const 17))))))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
