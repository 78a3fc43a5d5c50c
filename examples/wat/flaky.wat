;; flaky.wat: a hand-written supervisor. `_start` links a worker that crashes after 300 ms,
;; hears of its death (it traps link deaths) and starts it again, forever. grain sees each
;; new start of the same function after a death as a restart: the observer counts them.
;; An idle process, not linked, waits for messages beside it.
;;
;;   grain observe examples/wat/flaky.wat
(module
  (import "lunatic::process" "spawn"
    (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "die_when_link_dies" (func $die_when_link_dies (param i32)))
  (import "lunatic::process" "sleep_ms" (func $sleep_ms (param i64)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "worker")
  (data (i32.const 110) "idle")

  (func $worker (export "worker")
    (call $sleep_ms (i64.const 300))
    unreachable)

  (func $idle (export "idle")
    (loop $forever
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      (br $forever)))

  (func $start (export "_start")
    (call $die_when_link_dies (i32.const 0))
    ;; The idle process: not linked (first argument 0).
    (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
      (i32.const 110) (i32.const 4) (i32.const 32) (i32.const 0) (i32.const 24)))
    (loop $supervise
      ;; A linked worker (tag 1); receive returns when the link dies.
      (drop (call $spawn (i64.const 1) (i64.const -1) (i64.const -1)
        (i32.const 100) (i32.const 6) (i32.const 32) (i32.const 0) (i32.const 24)))
      (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
      (br $supervise))))
