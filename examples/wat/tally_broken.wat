;; tally_broken.wat: a version of tally that fails to take over: its `grain_code_change`
;; traps. An upgrade to it rolls back, and the old code goes on with its state.
(module
  (memory (export "memory") 1)
  (func (export "serve"))
  (func (export "grain_code_change") (param i32 i32) (result i32)
    unreachable)
  (func (export "grain_code_resume")))
