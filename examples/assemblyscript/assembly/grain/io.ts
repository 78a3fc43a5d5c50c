// Output and the `env` imports plain AssemblyScript output would need. asconfig.json maps
// `abort`, `trace`, `seed` and `console` to the globals here (`use`), so a program imports
// only lunatic and WASI functions that grain provides.

import { wasi } from "./host";

const iovec = memory.data(16); // one iovec (ptr, len) and the count written

/** Writes `bytes` to file descriptor `fd` (1 stdout, 2 stderr) in one call. */
export function writeFd(fd: u32, bytes: ArrayBuffer): void {
  store<u32>(iovec, changetype<usize>(bytes));
  store<u32>(iovec, <u32>bytes.byteLength, 4);
  wasi.fd_write(fd, iovec, 1, iovec + 8);
}

/** Prints a line on standard output. */
export function print(line: string): void {
  writeFd(1, String.UTF8.encode(line + "\n"));
}

/** Prints a line on standard error. */
export function eprint(line: string): void {
  writeFd(2, String.UTF8.encode(line + "\n"));
}

/** Milliseconds since the Unix epoch (WASI's realtime clock). */
export function nowMs(): i64 {
  wasi.clock_time_get(0, 1000, iovec);
  return load<i64>(iovec) / 1_000_000;
}

/** What `abort` becomes (`assert`, out-of-range indexing, a failed cast): the message and
 *  its place on stderr, then a trap, so grain ends the process with status 101 and links
 *  hear of it. */
// @ts-ignore: decorator
@global export function grain_abort(
  message: string | null = null,
  file: string | null = null,
  line: u32 = 0,
  column: u32 = 0,
): void {
  let text = "abort: " + (message !== null ? message : "(no message)");
  if (file !== null) text += " in " + file + "(" + line.toString() + ":" + column.toString() + ")";
  eprint(text);
  unreachable();
}

/** What `trace` becomes: the message and up to five numbers on stderr. */
// @ts-ignore: decorator
@global export function grain_trace(
  message: string, n: i32 = 0,
  a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0,
): void {
  let text = "trace: " + message;
  const args = [a0, a1, a2, a3, a4];
  for (let i = 0; i < n && i < 5; i++) text += (i == 0 ? " " : ", ") + args[i].toString();
  eprint(text);
}

/** What `seed` becomes (it seeds `Math.random`): 8 bytes from WASI's random_get. */
// @ts-ignore: decorator
@global export function grain_seed(): f64 {
  wasi.random_get(iovec, 8);
  return <f64>(load<u64>(iovec) >> 11);
}

/** What `console` becomes: log/info/debug on stdout, warn/error on stderr. */
// @ts-ignore: decorator
@global export namespace grain_console {
  export function log(message: string): void { print(message); }
  export function info(message: string): void { print(message); }
  export function debug(message: string): void { print(message); }
  export function warn(message: string): void { eprint(message); }
  export function error(message: string): void { eprint(message); }
}
