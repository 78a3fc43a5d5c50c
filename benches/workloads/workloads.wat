;; The benchmark workloads as one WAT guest. Each driver export takes its sizes as
;; arguments, times its own steady-state part with WASI's monotonic clock and prints the
;; elapsed nanoseconds. The same workloads exist as an Erlang escript (erlang.escript) and as
;; a lunatic-rs guest (examples/guests/src/bin/bench.rs).
;;
;; Memory map: 0..16 iovec, 16..24 clock, 24..32 spawned pid, 56..64 message word,
;; 64..97 number text, 100..108 tag filter, 200.. names, 300..334 spawn params.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "read_data" (func $read_data (param i32 i32) (result i32)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "lunatic::process" "spawn" (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "process_id" (func $self (result i64)))
  (memory (export "memory") 1)

  ;; Writes the export names the drivers spawn (at 200, 210, 220, 230). Code, not data
  ;; segments: a data segment would write a page of every process, parked ones included.
  (func $names
    (i64.store (i32.const 200) (i64.const 28259048480666739)) ;; started
    (i64.store (i32.const 210) (i64.const 7237124482243914098)) ;; ring_nod
    (i64.store (i32.const 218) (i64.const 101)) ;; e
    (i64.store (i32.const 220) (i64.const 1735290736)) ;; pong
    (i64.store (i32.const 230) (i64.const 1802398067)) ;; sink
  )

  (func $now (result i64)
    (drop (call $clock (i32.const 1) (i64.const 1) (i32.const 16)))
    (i64.load (i32.const 16)))

  ;; Prints a non-negative number and a newline.
  (func $print_num (param $v i64)
    (local $p i32)
    (local.set $p (i32.const 96))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (i32.sub (i32.const 97) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))

  ;; Spawns the export named at (name, len) with two i64 arguments; returns its pid.
  (func $spawn2 (param $name i32) (param $len i32) (param $a i64) (param $b i64) (result i64)
    ;; Each parameter is 17 bytes: a type byte (0x7E, i64) and 16 value bytes.
    (i32.store8 (i32.const 300) (i32.const 0x7E))
    (i64.store (i32.const 301) (local.get $a))
    (i32.store8 (i32.const 317) (i32.const 0x7E))
    (i64.store (i32.const 318) (local.get $b))
    (if (call $spawn (i64.const 0) (i64.const -1) (i64.const -1)
          (local.get $name) (local.get $len) (i32.const 300) (i32.const 34) (i32.const 24))
      (then unreachable))
    (i64.load (i32.const 24)))

  (func $send_i64 (param $pid i64) (param $tag i64) (param $v i64)
    (call $create_data (local.get $tag) (i64.const 8))
    (i64.store (i32.const 56) (local.get $v))
    (drop (call $write_data (i32.const 56) (i32.const 8)))
    (drop (call $send (local.get $pid))))

  (func $recv_i64 (result i64)
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
    (drop (call $read_data (i32.const 56) (i32.const 8)))
    (i64.load (i32.const 56)))

  ;; Receives the first message tagged $tag, skipping others.
  (func $recv_tagged (param $tag i64) (result i64)
    (i64.store (i32.const 100) (local.get $tag))
    (drop (call $receive (i32.const 100) (i32.const 1) (i64.const -1)))
    (drop (call $read_data (i32.const 56) (i32.const 8)))
    (i64.load (i32.const 56)))

  ;; A process that parks for ever.
  (func (export "parked")
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))

  ;; Tells its parent it started, then parks.
  (func (export "started") (param $parent i64) (param $unused i64)
    (call $send_i64 (local.get $parent) (i64.const 0) (i64.const 0))
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1))))

  ;; spawn: spawns $n children and waits until each has started.
  (func (export "spawn") (param $n i64)
    (local $t0 i64) (local $i i64)
    (call $names)
    (local.set $t0 (call $now))
    (loop $spawn
      (drop (call $spawn2 (i32.const 200) (i32.const 7) (call $self) (i64.const 0)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $spawn (i64.lt_u (local.get $i) (local.get $n))))
    (loop $wait
      (drop (call $recv_i64))
      (local.set $i (i64.sub (local.get $i) (i64.const 1)))
      (br_if $wait (i64.ne (local.get $i) (i64.const 0))))
    (call $print_num (i64.sub (call $now) (local.get $t0))))

  ;; A ring member: passes the token on, one hop used; -1 stops the ring.
  (func (export "ring_node") (param $next i64) (param $unused i64)
    (local $v i64)
    (loop $hop
      (local.set $v (call $recv_i64))
      (if (i64.eq (local.get $v) (i64.const -1))
        (then (call $send_i64 (local.get $next) (i64.const 0) (i64.const -1)) (return)))
      (call $send_i64 (local.get $next) (i64.const 0) (i64.sub (local.get $v) (i64.const 1)))
      (br $hop)))

  ;; ring: $n processes in a ring pass a token $hops times ($hops a multiple of $n).
  (func (export "ring") (param $n i64) (param $hops i64)
    (local $first i64) (local $i i64) (local $t0 i64) (local $v i64)
    (call $names)
    (local.set $first (call $self))
    (local.set $i (i64.const 1))
    (loop $build
      (local.set $first (call $spawn2 (i32.const 210) (i32.const 9) (local.get $first) (i64.const 0)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $build (i64.lt_u (local.get $i) (local.get $n))))
    (local.set $t0 (call $now))
    (local.set $v (local.get $hops))
    (loop $round
      (call $send_i64 (local.get $first) (i64.const 0) (i64.sub (local.get $v) (i64.const 1)))
      (local.set $v (call $recv_i64))
      (br_if $round (i64.ne (local.get $v) (i64.const 0))))
    (call $print_num (i64.sub (call $now) (local.get $t0)))
    (call $send_i64 (local.get $first) (i64.const 0) (i64.const -1))
    (drop (call $recv_i64)))

  ;; Answers every message with its word, tagged 2; -1 stops it.
  (func (export "pong") (param $parent i64) (param $unused i64)
    (local $v i64)
    (loop $serve
      (local.set $v (call $recv_i64))
      (if (i64.eq (local.get $v) (i64.const -1)) (then (return)))
      (call $send_i64 (local.get $parent) (i64.const 2) (local.get $v))
      (br $serve)))

  ;; ping_pong: $rounds request/reply round trips with one partner.
  (func (export "ping_pong") (param $rounds i64)
    (local $pong i64) (local $i i64) (local $t0 i64)
    (call $names)
    (local.set $pong (call $spawn2 (i32.const 220) (i32.const 4) (call $self) (i64.const 0)))
    (local.set $t0 (call $now))
    (loop $round
      (call $send_i64 (local.get $pong) (i64.const 0) (local.get $i))
      (drop (call $recv_i64))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $round (i64.lt_u (local.get $i) (local.get $rounds))))
    (call $print_num (i64.sub (call $now) (local.get $t0)))
    (call $send_i64 (local.get $pong) (i64.const 0) (i64.const -1)))

  ;; Receives $count messages, then tells its parent.
  (func (export "sink") (param $parent i64) (param $count i64)
    (loop $take
      (drop (call $recv_i64))
      (local.set $count (i64.sub (local.get $count) (i64.const 1)))
      (br_if $take (i64.ne (local.get $count) (i64.const 0))))
    (call $send_i64 (local.get $parent) (i64.const 0) (i64.const 0)))

  ;; send_receive: $count one-way messages to a receiver, until it has them all.
  (func (export "send_receive") (param $count i64)
    (local $sink i64) (local $i i64) (local $t0 i64)
    (call $names)
    (local.set $sink (call $spawn2 (i32.const 230) (i32.const 4) (call $self) (local.get $count)))
    (local.set $t0 (call $now))
    (loop $send
      (call $send_i64 (local.get $sink) (i64.const 0) (local.get $i))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $send (i64.lt_u (local.get $i) (local.get $count))))
    (drop (call $recv_i64))
    (call $print_num (i64.sub (call $now) (local.get $t0))))

  ;; selective_receive: $depth unrelated messages wait in the queue while $rounds replies,
  ;; each picked out by its tag, come in behind them.
  (func (export "selective_receive") (param $depth i64) (param $rounds i64)
    (local $pong i64) (local $i i64) (local $t0 i64)
    (call $names)
    (loop $fill
      (call $send_i64 (call $self) (i64.const 1) (local.get $i))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $fill (i64.lt_u (local.get $i) (local.get $depth))))
    (local.set $pong (call $spawn2 (i32.const 220) (i32.const 4) (call $self) (i64.const 0)))
    (local.set $i (i64.const 0))
    (local.set $t0 (call $now))
    (loop $round
      (call $send_i64 (local.get $pong) (i64.const 0) (local.get $i))
      (drop (call $recv_tagged (i64.const 2)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $round (i64.lt_u (local.get $i) (local.get $rounds))))
    (call $print_num (i64.sub (call $now) (local.get $t0)))
    (call $send_i64 (local.get $pong) (i64.const 0) (i64.const -1)))

  ;; compute: a call-free loop of $n iterations (fuel and preemption cost).
  (func (export "compute") (param $n i64)
    (local $t0 i64) (local $acc i64)
    (local.set $t0 (call $now))
    (loop $spin
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 6364136223846793005))
        (i64.const 1442695040888963407)))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $spin (i64.ne (local.get $n) (i64.const 0))))
    (i64.store (i32.const 56) (local.get $acc))
    (call $print_num (i64.sub (call $now) (local.get $t0))))
)
