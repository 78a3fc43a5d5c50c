;; relay.wat: a process in the middle. `relay(to)` takes each message it gets, waits 5 ms
;; (a stand-in for work: a host call), and sends it on to `to` with its tag and bytes.
;; `trace` shows the three steps of each message in order.
;;
;;   grain> r = spawn relay.relay(self)
;;   grain> trace r
;;   grain> send r b"hi" as raw --tag=7
(module
  (import "lunatic::process" "sleep_ms" (func $sleep_ms (param i64)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "read_data" (func $read_data (param i32 i32) (result i32)))
  (import "lunatic::message" "data_size" (func $data_size (result i64)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)

  (func (export "relay") (param $to i64)
    (local $len i32) (local $tag i64)
    (loop $forever
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      ;; At most one page of a message is kept (the rest is not read).
      (local.set $len (i32.wrap_i64 (call $data_size)))
      (if (i32.gt_u (local.get $len) (i32.const 60000))
        (then (local.set $len (i32.const 60000))))
      (local.set $tag (call $get_tag))
      (drop (call $read_data (i32.const 1024) (local.get $len)))
      (call $sleep_ms (i64.const 5))
      (call $create_data (local.get $tag) (i64.extend_i32_u (local.get $len)))
      (drop (call $write_data (i32.const 1024) (local.get $len)))
      (drop (call $send (local.get $to)))
      (br $forever))))
