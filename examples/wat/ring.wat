;; ring.wat: 100 processes in a ring pass a token around 10 times (1,000 hops). Each
;; member knows only the next pid, given when it was spawned; the last one points back
;; to `_start`, which counts the laps.
;;
;;   grain run examples/wat/ring.wat
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "spawn"
    (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "member")
  (data (i32.const 200) "ring: 100 processes, 10 laps\n")

  (func $pass (param $to i64)
    (call $create_data (i64.const 0) (i64.const 0))
    (drop (call $send (local.get $to))))

  (func $wait
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))

  ;; A ring member forwards every token to the next process.
  (func (export "member") (param $next i64)
    (loop $forever
      (call $wait)
      (call $pass (local.get $next))
      (br $forever)))

  ;; Spawns a member whose next is $next; returns its pid.
  (func $member (param $next i64) (result i64)
    (i32.store8 (i32.const 32) (i32.const 0x7E))
    (i64.store (i32.const 33) (local.get $next))
    (i64.store (i32.const 41) (i64.const 0))
    (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
      (i32.const 100) (i32.const 6) (i32.const 32) (i32.const 17) (i32.const 24)))
    (i64.load (i32.const 24)))

  (func (export "_start")
    (local $first i64) (local $i i32)
    ;; Build the ring backwards: the last member points to us.
    (local.set $first (call $process_id))
    (loop $build
      (local.set $first (call $member (local.get $first)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $build (i32.lt_u (local.get $i) (i32.const 100))))
    (local.set $i (i32.const 0))
    (loop $laps
      (call $pass (local.get $first))
      (call $wait)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $laps (i32.lt_u (local.get $i) (i32.const 10))))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 29))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
