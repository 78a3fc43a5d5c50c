;; counter.wat: a process that holds state. The counter loops receiving messages; a message
;; tagged 1 increments it, one tagged 2 asks for the count (the body is the asker's pid).
;; Selective receive by tag lets the parent wait for just the reply (tag 3).
;;
;;   grain run examples/wat/counter.wat
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "spawn"
    (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "read_data" (func $read_data (param i32 i32) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "counter")
  (data (i32.const 200) "count = ")

  ;; Sends an 8-byte message holding $value, tagged $tag.
  (func $send_i64 (param $to i64) (param $tag i64) (param $value i64)
    (call $create_data (local.get $tag) (i64.const 8))
    (i64.store (i32.const 16) (local.get $value))
    (drop (call $write_data (i32.const 16) (i32.const 8)))
    (drop (call $send (local.get $to))))

  (func (export "counter")
    (local $count i64)
    (loop $serve
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      (if (i64.eq (call $get_tag) (i64.const 1))
        (then (local.set $count (i64.add (local.get $count) (i64.const 1)))))
      (if (i64.eq (call $get_tag) (i64.const 2))
        (then
          (drop (call $read_data (i32.const 16) (i32.const 8)))
          (call $send_i64 (i64.load (i32.const 16)) (i64.const 3) (local.get $count))))
      (br $serve)))

  (func (export "_start")
    (local $counter i64)
    (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
      (i32.const 100) (i32.const 7) (i32.const 32) (i32.const 0) (i32.const 24)))
    (local.set $counter (i64.load (i32.const 24)))
    (call $send_i64 (local.get $counter) (i64.const 1) (i64.const 0))
    (call $send_i64 (local.get $counter) (i64.const 1) (i64.const 0))
    (call $send_i64 (local.get $counter) (i64.const 1) (i64.const 0))
    (call $send_i64 (local.get $counter) (i64.const 2) (call $process_id))
    ;; Only tag 3 will do: the tags to accept are an array of i64 at address 40.
    (i64.store (i32.const 40) (i64.const 3))
    (drop (call $receive (i32.const 40) (i32.const 1) (i64.const -1)))
    (drop (call $read_data (i32.const 16) (i32.const 8)))
    ;; "count = N\n" with a one-digit N.
    (i32.store8 (i32.const 208) (i32.add (i32.const 48) (i32.wrap_i64 (i64.load (i32.const 16)))))
    (i32.store8 (i32.const 209) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 10))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
