  ;; Shared by the integration tests: imports and small helpers. Memory map:
  ;; 0..16 iovec, 16..20 nwritten, 24..32 spawn id out, 32..49 spawn params,
  ;; 56..64 message word, 64..96 number text, 100.. scratch, 128..1024 print buffer,
  ;; 1024.. the test's own data.
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "lunatic::message" "create_data" (func $create_data (param i64 i64)))
  (import "lunatic::message" "write_data" (func $write_data (param i32 i32) (result i32)))
  (import "lunatic::message" "read_data" (func $read_data (param i32 i32) (result i32)))
  (import "lunatic::message" "data_size" (func $data_size (result i64)))
  (import "lunatic::message" "send" (func $send (param i64) (result i32)))
  (import "lunatic::message" "receive" (func $receive (param i32 i32 i64) (result i32)))
  (import "lunatic::message" "get_tag" (func $get_tag (result i64)))
  (import "lunatic::message" "get_process_id" (func $get_process_id (result i64)))
  (import "lunatic::process" "spawn" (func $spawn (param i64 i64 i64 i32 i32 i32 i32 i32) (result i32)))
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (import "lunatic::process" "die_when_link_dies" (func $die_when_link_dies (param i32)))
  (import "lunatic::process" "link" (func $link (param i64 i64)))
  (import "lunatic::process" "unlink" (func $unlink (param i64)))
  (import "lunatic::process" "monitor" (func $monitor (param i64)))
  (import "lunatic::process" "kill" (func $kill (param i64)))
  (import "lunatic::process" "exists" (func $exists (param i64) (result i32)))
  (import "lunatic::process" "sleep_ms" (func $sleep_ms (param i64)))
  (memory (export "memory") 2)

  ;; Prints len bytes at ptr and a newline, in one write.
  (func $print (param $ptr i32) (param $len i32)
    (memory.copy (i32.const 128) (local.get $ptr) (local.get $len))
    (i32.store8 (i32.add (i32.const 128) (local.get $len)) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 128))
    (i32.store (i32.const 4) (i32.add (local.get $len) (i32.const 1)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))))

  ;; Prints a signed decimal number and a newline.
  (func $print_num (param $v i64)
    (local $p i32) (local $neg i32)
    (local.set $p (i32.const 96))
    (if (i64.lt_s (local.get $v) (i64.const 0))
      (then (local.set $neg (i32.const 1))
            (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (if (local.get $neg)
      (then (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (i32.store8 (local.get $p) (i32.const 45))))
    (call $print (local.get $p) (i32.sub (i32.const 96) (local.get $p))))

  ;; Spawns the export named at (name, len) with one i64 argument; returns its pid.
  (func $spawn_arg (param $link i64) (param $name i32) (param $len i32) (param $arg i64) (result i64)
    (i32.store8 (i32.const 32) (i32.const 0x7E))
    (i64.store (i32.const 33) (local.get $arg))
    (i64.store (i32.const 41) (i64.const 0))
    (if (call $spawn (local.get $link) (i64.const -1) (i64.const -1)
          (local.get $name) (local.get $len) (i32.const 32) (i32.const 17) (i32.const 24))
      (then unreachable))
    (i64.load (i32.const 24)))

  ;; Spawns the export named at (name, len) without arguments; returns its pid.
  (func $spawn0 (param $link i64) (param $name i32) (param $len i32) (result i64)
    (if (call $spawn (local.get $link) (i64.const -1) (i64.const -1)
          (local.get $name) (local.get $len) (i32.const 32) (i32.const 0) (i32.const 24))
      (then unreachable))
    (i64.load (i32.const 24)))

  ;; Sends an 8-byte message holding v, with tag.
  (func $send_i64 (param $pid i64) (param $tag i64) (param $v i64)
    (call $create_data (local.get $tag) (i64.const 8))
    (i64.store (i32.const 56) (local.get $v))
    (drop (call $write_data (i32.const 56) (i32.const 8)))
    (drop (call $send (local.get $pid))))

  ;; Receives the next message (any tag, no timeout) and returns its first 8 bytes.
  (func $recv_i64 (result i64)
    (drop (call $receive (i32.const 0) (i32.const 0) (i64.const -1)))
    (drop (call $read_data (i32.const 56) (i32.const 8)))
    (i64.load (i32.const 56)))

  ;; Receives the next message with this tag and returns the receive code.
  (func $recv_tag (param $tag i64) (param $timeout i64) (result i32)
    (i64.store (i32.const 100) (local.get $tag))
    (call $receive (i32.const 100) (i32.const 1) (local.get $timeout)))
