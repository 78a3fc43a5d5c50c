// The registry (names for processes) and timers (messages sent later).

import { message, registry, timer } from "./host";
import { Pid } from "./process";

const out = memory.data(16); // node id, then pid

/** Registers `pid` under `name` (replacing an earlier holder of the name). */
export function register(name: string, pid: Pid): void {
  const n = String.UTF8.encode(name);
  registry.put(changetype<usize>(n), n.byteLength, 0, pid.id);
}

/** The process registered under `name`, if any. */
export function whereis(name: string): Pid | null {
  const n = String.UTF8.encode(name);
  if (registry.get(changetype<usize>(n), n.byteLength, out, out + 8) != 0) return null;
  return new Pid(load<u64>(out, 8));
}

/** Removes `name` from the registry. */
export function unregister(name: string): void {
  const n = String.UTF8.encode(name);
  registry.remove(changetype<usize>(n), n.byteLength);
}

/** A message on its way; `cancel` stops it if it has not been delivered. */
export class Timer {
  constructor(public id: u64) {}

  /** Whether the timer was still pending (and is now cancelled). */
  cancel(): bool {
    return timer.cancel_timer(this.id) != 0;
  }
}

/** Sends `data` with `tag` to `pid` after `delayMs`. */
export function sendAfter(pid: Pid, data: ArrayBuffer, tag: i64, delayMs: u64): Timer {
  message.create_data(tag, data.byteLength);
  message.write_data(changetype<usize>(data), data.byteLength);
  return new Timer(timer.send_after(pid.id, delayMs));
}
