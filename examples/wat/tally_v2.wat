;; tally_v2.wat: the next version of tally_v1.wat. Its replies say "v2: N", and its state
;; has a second field: how many upgrades it went through. It takes over a running tally
;; (`grain_code_change` reads the state `handoff` gave; 8 bytes from v1, 16 from v2) and
;; goes on serving (`grain_code_resume`); it can hand over to a later version in turn.
;;
;;   grain> load examples/wat/tally_v2.wat as tally
;;   grain> upgrade t
(module
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "read_data" (func $read_data (param i32 i32) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "grain::code" "handoff" (func $handoff (param i32 i32) (result i32)))
  (import "grain::code" "take_state" (func $take_state (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $count (mut i64) (i64.const 0))
  (global $upgrades (mut i64) (i64.const 0))

  ;; Writes "v2: N" at 256 and returns its length.
  (func $text (result i32)
    (local $n i64) (local $i i32)
    (i32.store (i32.const 256) (i32.const 0x203a3276)) ;; "v2: "
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
      (if (i64.eq (local.get $tag) (i64.const 0x475241494e5f5550))
        (then
          (i64.store (i32.const 64) (global.get $count))
          (i64.store (i32.const 72) (global.get $upgrades))
          (drop (call $handoff (i32.const 64) (i32.const 16)))))
      (br $serve)))

  (func (export "serve") (call $serve))

  ;; Takes a state over: 8 bytes (v1: the count) or 16 (v2: the count, the upgrades).
  ;; Anything else is refused (a non-zero answer), and the old code goes on.
  (func (export "grain_code_change") (param $from i32) (param $len i32) (result i32)
    (if (i32.and (i32.ne (local.get $len) (i32.const 8)) (i32.ne (local.get $len) (i32.const 16)))
      (then (return (i32.const 1))))
    (drop (call $take_state (i32.const 64) (local.get $len)))
    (global.set $count (i64.load (i32.const 64)))
    (global.set $upgrades (i64.add (i64.load (i32.const 72)) (i64.const 1)))
    (i32.const 0))

  (func (export "grain_code_resume") (call $serve)))
