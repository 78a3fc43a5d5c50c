// toolbox: the rest of the library in one run: the registry, monitors and kill, timers
// (one delivered, one cancelled), a receive timeout, sleep, the message codec, and
// Math.random (seeded through WASI's random_get).
import {
  print, nowMs, receive, register, sendAfter, sleep, spawn, unregister, whereis,
  Kind, Pid, Writer,
} from "../assembly/grain";

/** Waits forever. */
function idle(_: u64): void {
  receive();
}

export function _start(): void {
  const me = Pid.self();
  const s = spawn(idle);
  register("idle", s);
  const found = whereis("idle");
  print("whereis idle: " + (found !== null && found.id == s.id ? "the spawned process" : "missing"));
  unregister("idle");
  print("after unregister: " + (whereis("idle") === null ? "no such name" : "still there"));

  s.monitor();
  s.kill();
  const down = receive([], 1000);
  print("monitor: " + (down.kind == Kind.ProcessDied && down.pid == s.id ? "ProcessDied" : "?"));
  print("alive after kill: " + s.alive.toString());

  sendAfter(me, String.UTF8.encode("late hello"), 5, 30);
  const cancelled = sendAfter(me, String.UTF8.encode("never"), 6, 20);
  print("cancelled a timer: " + cancelled.cancel().toString());
  print("timer: " + receive([5], 1000).text());
  print("the cancelled one: " + (receive([6], 50).kind == Kind.Timeout ? "timed out" : "arrived"));

  const t0 = nowMs();
  sleep(20);
  print("slept at least 20 ms: " + (nowMs() - t0 >= 20).toString());

  const blob = new Uint8Array(3);
  blob[0] = 1; blob[1] = 2; blob[2] = 255;
  me.send(new Writer().str("grüße").i64(-5).f64(2.5).bytes(blob.buffer), 9);
  const r = receive([9]).reader();
  const text = r.str(), n = r.i64(), x = r.f64(), b = Uint8Array.wrap(r.bytes());
  print("codec: " + text + " " + n.toString() + " " + x.toString() + " [" + b.join(",") + "] done=" + r.done.toString());

  const v = Math.random();
  print("Math.random in [0, 1): " + (v >= 0 && v < 1).toString());
}
