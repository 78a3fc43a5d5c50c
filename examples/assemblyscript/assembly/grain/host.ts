// The raw host functions this library uses: lunatic's 0.13 ABI as grain provides it, plus
// the few WASI preview 1 calls for output, randomness and time. One declaration per import
// (usize → i32, u64/i64 → i64); wasm imports only what a program actually calls.

export namespace message {
  // @ts-ignore: decorator
  @external("lunatic::message", "create_data")
  export declare function create_data(tag: i64, capacity: u64): void;
  // @ts-ignore: decorator
  @external("lunatic::message", "write_data")
  export declare function write_data(ptr: usize, len: usize): usize;
  // @ts-ignore: decorator
  @external("lunatic::message", "read_data")
  export declare function read_data(ptr: usize, len: usize): usize;
  // @ts-ignore: decorator
  @external("lunatic::message", "data_size")
  export declare function data_size(): u64;
  // @ts-ignore: decorator
  @external("lunatic::message", "get_tag")
  export declare function get_tag(): i64;
  // @ts-ignore: decorator
  @external("lunatic::message", "get_process_id")
  export declare function get_process_id(): u64;
  // @ts-ignore: decorator
  @external("lunatic::message", "send")
  export declare function send(pid: u64): u32;
  // @ts-ignore: decorator
  @external("lunatic::message", "receive")
  export declare function receive(tags_ptr: usize, tags_len: usize, timeout_ms: u64): u32;
}

export namespace process {
  // @ts-ignore: decorator
  @external("lunatic::process", "spawn")
  export declare function spawn(
    link: i64, config: i64, module: i64,
    fn_ptr: usize, fn_len: usize, params_ptr: usize, params_len: usize, id_ptr: usize,
  ): u32;
  // @ts-ignore: decorator
  @external("lunatic::process", "process_id")
  export declare function process_id(): u64;
  // @ts-ignore: decorator
  @external("lunatic::process", "link")
  export declare function link(tag: i64, pid: u64): void;
  // @ts-ignore: decorator
  @external("lunatic::process", "unlink")
  export declare function unlink(pid: u64): void;
  // @ts-ignore: decorator
  @external("lunatic::process", "monitor")
  export declare function monitor(pid: u64): void;
  // @ts-ignore: decorator
  @external("lunatic::process", "stop_monitoring")
  export declare function stop_monitoring(pid: u64): void;
  // @ts-ignore: decorator
  @external("lunatic::process", "kill")
  export declare function kill(pid: u64): void;
  // @ts-ignore: decorator
  @external("lunatic::process", "exists")
  export declare function exists(pid: u64): u32;
  // @ts-ignore: decorator
  @external("lunatic::process", "die_when_link_dies")
  export declare function die_when_link_dies(trap: u32): void;
  // @ts-ignore: decorator
  @external("lunatic::process", "sleep_ms")
  export declare function sleep_ms(ms: u64): void;
}

export namespace registry {
  // @ts-ignore: decorator
  @external("lunatic::registry", "put")
  export declare function put(name_ptr: usize, name_len: usize, node: u64, pid: u64): void;
  // @ts-ignore: decorator
  @external("lunatic::registry", "get")
  export declare function get(name_ptr: usize, name_len: usize, node_ptr: usize, pid_ptr: usize): u32;
  // @ts-ignore: decorator
  @external("lunatic::registry", "remove")
  export declare function remove(name_ptr: usize, name_len: usize): void;
}

export namespace timer {
  // @ts-ignore: decorator
  @external("lunatic::timer", "send_after")
  export declare function send_after(pid: u64, delay_ms: u64): u64;
  // @ts-ignore: decorator
  @external("lunatic::timer", "cancel_timer")
  export declare function cancel_timer(id: u64): u32;
}

export namespace error {
  // @ts-ignore: decorator
  @external("lunatic::error", "string_size")
  export declare function string_size(id: u64): u32;
  // @ts-ignore: decorator
  @external("lunatic::error", "to_string")
  export declare function to_string(id: u64, ptr: usize): void;
  // @ts-ignore: decorator
  @external("lunatic::error", "drop")
  export declare function drop(id: u64): void;
}

export namespace wasi {
  // @ts-ignore: decorator
  @external("wasi_snapshot_preview1", "fd_write")
  export declare function fd_write(fd: u32, iovs: usize, iovs_len: usize, nwritten: usize): u16;
  // @ts-ignore: decorator
  @external("wasi_snapshot_preview1", "random_get")
  export declare function random_get(buf: usize, len: usize): u16;
  // @ts-ignore: decorator
  @external("wasi_snapshot_preview1", "clock_time_get")
  export declare function clock_time_get(id: u32, precision: u64, time_ptr: usize): u16;
}
