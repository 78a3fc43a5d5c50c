;; ping_pong.wat: two processes bounce a message back and forth 1,000 times.
;;
;;   grain run examples/wat/ping_pong.wat
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "spawn"
    (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "pong")
  (data (i32.const 200) "ping-pong: 1000 round trips\n")

  ;; An empty message: the tag is all it says.
  (func $poke (param $to i64)
    (call $create_data (i64.const 0) (i64.const 0))
    (drop (call $send (local.get $to))))

  (func $wait
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))

  ;; Answers every message from $ping.
  (func (export "pong") (param $ping i64)
    (loop $forever
      (call $wait)
      (call $poke (local.get $ping))
      (br $forever)))

  (func (export "_start")
    (local $pong i64) (local $i i32)
    (i32.store8 (i32.const 32) (i32.const 0x7E))
    (i64.store (i32.const 33) (call $process_id))
    (i64.store (i32.const 41) (i64.const 0))
    (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
      (i32.const 100) (i32.const 4) (i32.const 32) (i32.const 17) (i32.const 24)))
    (local.set $pong (i64.load (i32.const 24)))
    (loop $rounds
      (call $poke (local.get $pong))
      (call $wait)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $i) (i32.const 1000))))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 28))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
