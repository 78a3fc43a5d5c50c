;; crowd.wat: 100,000 idle processes, to watch a crowded node (`grain observe` stays smooth:
;; it draws only the rows on screen). The root waits forever once they are all started.
;;
;;   grain run examples/wat/crowd.wat --control /tmp/crowd.sock
;;   grain observe --attach /tmp/crowd.sock
(module
  (import "lunatic::process" "spawn"
    (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "idle")

  (func $idle (export "idle")
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))

  (func $start (export "_start")
    (local $n i32)
    (local.set $n (i32.const 100000))
    (loop $spawn_all
      (drop (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
        (i32.const 100) (i32.const 4) (i32.const 32) (i32.const 0) (i32.const 24)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $spawn_all (local.get $n)))
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))))
