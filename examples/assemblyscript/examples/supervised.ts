// supervised: a worker for one of grain's supervisors (app.toml, or the shell's
// `supervise`). It registers as "worker" and prints what it is sent; the message "crash"
// (or, with a non-zero argument, that many ms without a message) makes it abort, and the
// supervisor starts a fresh one in its place — under the same name.
import { print, receive, register, Pid, FOREVER, Kind } from "../assembly/grain";

export function worker(idleCrashMs: u64): void {
  register("worker", Pid.self());
  print("worker up");
  while (true) {
    const m = receive([], idleCrashMs == 0 ? FOREVER : idleCrashMs);
    if (m.kind == Kind.Timeout) abort("worker idle for " + idleCrashMs.toString() + " ms, crashing on purpose");
    const text = m.text();
    if (text == "crash") abort("worker told to crash");
    print("worker got: " + text);
  }
}

/** Run directly (`grain run`), it is a worker that never crashes by itself. */
export function _start(): void {
  worker(0);
}
