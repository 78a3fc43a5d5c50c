;; memory_hog.wat: a process that grows its memory 1 MiB at a time, touching every new page,
;; until it hits its memory limit and traps with "memory limit".
;;
;;   grain run --max-memory 4194304 examples/wat/memory_hog.wat
(module
  (memory (export "memory") 1)
  (func $hog (export "hog")
    (local $page i32)
    (loop $more
      ;; memory.grow returns the old size in pages; the new pages start there.
      (local.set $page (memory.grow (i32.const 16)))
      (if (i32.eq (local.get $page) (i32.const -1)) (then unreachable))
      (i32.store (i32.mul (local.get $page) (i32.const 65536)) (i32.const 1))
      (br $more)))
  (func $start (export "_start")
    (call $hog)))
