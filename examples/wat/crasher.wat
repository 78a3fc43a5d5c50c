;; crasher.wat: a process that traps. grain reports the trap's kind and message and a wasm
;; backtrace with function names, and `grain run` exits with status 101.
;;
;;   grain run examples/wat/crasher.wat
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "about to crash\n")

  (func $level2 unreachable)
  (func $level1 (call $level2))

  (func $start (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 15))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $level1)))
