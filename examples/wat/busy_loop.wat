;; busy_loop.wat: a process that computes forever. It never harms its neighbours: grain
;; preempts it every millisecond, and a fuel limit ends it.
;;
;;   grain run --max-fuel 10M examples/wat/busy_loop.wat    (traps: out of fuel)
(module
  (memory (export "memory") 1)
  (func $spin (export "spin")
    (loop $forever (br $forever)))
  (func $start (export "_start")
    (call $spin)))
