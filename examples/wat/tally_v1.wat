;; tally_v1.wat: a counter that can move onto new code without stopping (the book's
;; "Changing code while it runs"). A message tagged 1 counts; one tagged 2 (the body: the
;; asker's pid) gets the reply "v1: N", tagged 3. The code-change message (tag "GRAIN_UP")
;; hands the count over to the next version: `grain::code::handoff` does not return when
;; the new code takes over, and returns (a rollback) when it does not.
;;
;;   grain> load examples/wat/tally_v1.wat as tally
;;   grain> t = spawn tally.serve()
(module
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "read_data" (func $read_data (param i32 i32) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "grain::code" "handoff" (func $handoff (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $count (mut i64) (i64.const 0))

  ;; Writes "v1: N" at 256 and returns its length.
  (func $text (result i32)
    (local $n i64) (local $i i32)
    (i32.store (i32.const 256) (i32.const 0x203a3176)) ;; "v1: "
    (local.set $n (global.get $count))
    (loop $digits
      (i32.store8 (i32.sub (i32.const 330) (local.get $i))
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $n) (i64.const 10)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $n) (i64.const 0))))
    (memory.copy (i32.const 260) (i32.sub (i32.const 331) (local.get $i)) (local.get $i))
    (i32.add (i32.const 4) (local.get $i)))

  (func $serve
    (local $tag i64)
    (loop $serve
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      ;; Read once: sending a reply replaces the message the tag is read from.
      (local.set $tag (call $get_tag))
      (if (i64.eq (local.get $tag) (i64.const 1))
        (then (global.set $count (i64.add (global.get $count) (i64.const 1)))))
      (if (i64.eq (local.get $tag) (i64.const 2))
        (then
          (drop (call $read_data (i32.const 16) (i32.const 8)))
          (call $create_data (i64.const 3) (i64.const 0))
          (drop (call $write_data (i32.const 256) (call $text)))
          (drop (call $send (i64.load (i32.const 16))))))
      ;; The code-change message: hand the state (8 bytes, the count) over.
      (if (i64.eq (local.get $tag) (i64.const 0x475241494e5f5550))
        (then
          (i64.store (i32.const 64) (global.get $count))
          (drop (call $handoff (i32.const 64) (i32.const 8)))))
      (br $serve)))

  (func (export "serve") (call $serve)))
