;; hello.wat: the smallest grain program. A process is a wasm instance; this one writes a
;; line to standard output through WASI and ends normally.
;;
;;   grain run examples/wat/hello.wat
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "Hello, grain!\n")

  (func (export "_start")
    ;; One iovec at address 0: (pointer, length) of the text.
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 14))
    ;; fd 1 is stdout; the number of bytes written lands at address 8.
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
