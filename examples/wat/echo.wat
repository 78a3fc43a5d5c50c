;; echo.wat: two processes talking. `_start` spawns a child running the exported `echo`
;; function, sends it "ping", and prints what comes back.
;;
;;   grain run examples/wat/echo.wat
;;
;; Messages are built in a per-process scratch slot: create_data(tag, capacity), then
;; write_data(bytes), then send(pid). A receive puts the next message in the slot, where
;; read_data copies it out.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "spawn"
    (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "read_data" (func $read_data (param i32 i32) (result i32)))
  (import "lunatic::message" "data_size" (func $data_size (result i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "echo")
  (data (i32.const 120) "ping")
  (data (i32.const 200) "echo: ")

  ;; The child: its argument is the parent's pid. Receive one message, send it back.
  (func (export "echo") (param $parent i64)
    (local $len i32)
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))) ;; any tag, no timeout
    (local.set $len (i32.wrap_i64 (call $data_size)))
    (drop (call $read_data (i32.const 300) (local.get $len)))
    (call $create_data (i64.const 0) (i64.extend_i32_u (local.get $len)))
    (drop (call $write_data (i32.const 300) (local.get $len)))
    (drop (call $send (local.get $parent))))

  (func (export "_start")
    (local $child i64) (local $len i32)
    ;; Spawn arguments are 17-byte chunks: a type byte (0x7E = i64), then a u128.
    (i32.store8 (i32.const 32) (i32.const 0x7E))
    (i64.store (i32.const 33) (call $process_id))
    (i64.store (i32.const 41) (i64.const 0))
    ;; spawn(link, config, module, name, name_len, params, params_len, id_out):
    ;; -1 means "my own config/module"; the new pid is written at address 24.
    (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
      (i32.const 100) (i32.const 4) (i32.const 32) (i32.const 17) (i32.const 24)))
    (local.set $child (i64.load (i32.const 24)))
    (call $create_data (i64.const 0) (i64.const 4))
    (drop (call $write_data (i32.const 120) (i32.const 4)))
    (drop (call $send (local.get $child)))
    ;; Wait for the echo and print "echo: " followed by it.
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
    (local.set $len (i32.wrap_i64 (call $data_size)))
    (drop (call $read_data (i32.const 206) (local.get $len)))
    (i32.store8 (i32.add (i32.const 206) (local.get $len)) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.add (local.get $len) (i32.const 7)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
