// Processes: spawning (by function reference or by export name), links, monitors, kill,
// sleep. A pid is a handle; sending lives here too, since it is what a pid is for.

import { error, message, process } from "./host";
import { Writer } from "./codec";

const out = memory.data(8); // the spawned pid, or an error id

/** A process, by its id on this node. */
export class Pid {
  constructor(public id: u64) {}

  /** The calling process. */
  static self(): Pid {
    return new Pid(process.process_id());
  }

  /** Sends raw bytes with `tag`. */
  sendBytes(data: ArrayBuffer, tag: i64 = 0): void {
    message.create_data(tag, data.byteLength);
    message.write_data(changetype<usize>(data), data.byteLength);
    message.send(this.id);
  }

  /** Sends a string as UTF-8 bytes (read it with `Message.text()`). */
  sendText(text: string, tag: i64 = 0): void {
    this.sendBytes(String.UTF8.encode(text), tag);
  }

  /** Sends a message built with a `Writer` (read it with `Message.reader()`). */
  send(w: Writer, tag: i64 = 0): void {
    this.sendBytes(w.finish(), tag);
  }

  /** Links the caller to this process: if either dies abnormally, so does the other,
   *  unless it traps link deaths (`trapLinks`) and gets a LinkDied message with `tag`. */
  link(tag: i64 = 1): void {
    process.link(tag, this.id);
  }

  /** Removes a link. */
  unlink(): void {
    process.unlink(this.id);
  }

  /** Asks for a ProcessDied message when this process ends, however it ends. */
  monitor(): void {
    process.monitor(this.id);
  }

  /** Takes back a `monitor`. */
  demonitor(): void {
    process.stop_monitoring(this.id);
  }

  /** Ends the process at once (its links see it killed). */
  kill(): void {
    process.kill(this.id);
  }

  /** Whether the process is still running. */
  get alive(): bool {
    return process.exists(this.id) != 0;
  }
}

/** The parameters block of lunatic's spawn: 17 bytes per value (type byte, u128 LE). */
function params(args: i64[]): ArrayBuffer {
  const buf = new ArrayBuffer(17 * args.length);
  const p = changetype<usize>(buf);
  for (let i = 0; i < args.length; i++) {
    const at = p + <usize>(17 * i);
    store<u8>(at, 0x7e); // i64
    store<i64>(at, args[i], 1);
    store<i64>(at, args[i] < 0 ? -1 : 0, 9);
  }
  return buf;
}

function spawnRaw(link: i64, name: string, args: i64[]): Pid {
  const fname = String.UTF8.encode(name);
  const ps = params(args);
  const rc = process.spawn(
    link, -1, -1,
    changetype<usize>(fname), fname.byteLength,
    changetype<usize>(ps), ps.byteLength, out,
  );
  const id = load<u64>(out);
  if (rc != 0) {
    const text = new ArrayBuffer(<i32>error.string_size(id));
    error.to_string(id, changetype<usize>(text));
    error.drop(id);
    abort("spawn " + name + " failed: " + String.UTF8.decode(text));
  }
  return new Pid(id);
}

/** Spawns an exported function by name, e.g. `export function worker(n: u64): void`,
 *  with integer arguments (one i64 per parameter). */
export function spawnExport(name: string, args: i64[] = []): Pid {
  return spawnRaw(0, name, args);
}

/** `spawnExport`, linked to the caller with `tag`. */
export function spawnExportLink(name: string, args: i64[] = [], tag: i64 = 1): Pid {
  return spawnRaw(tag, name, args);
}

/** Spawns a function of this module: `spawn(worker, 5)`. AssemblyScript has no closures,
 *  so the child gets one u64 (send it more in a message). The child runs module init
 *  (top-level code) again: each process has its own memory. */
export function spawn(fn: (arg: u64) => void, arg: u64 = 0): Pid {
  return spawnRaw(0, "__grain_as_spawn", [<i64>fn.index, <i64>arg]);
}

/** `spawn`, linked to the caller with `tag`. */
export function spawnLink(fn: (arg: u64) => void, arg: u64 = 0, tag: i64 = 1): Pid {
  return spawnRaw(tag, "__grain_as_spawn", [<i64>fn.index, <i64>arg]);
}

/** With `true`, a linked process's abnormal death arrives as a LinkDied message instead
 *  of killing the caller (Erlang's trap_exit). */
export function trapLinks(on: bool = true): void {
  process.die_when_link_dies(on ? 0 : 1);
}

/** Sleeps without holding a thread. */
export function sleep(ms: u64): void {
  process.sleep_ms(ms);
}
