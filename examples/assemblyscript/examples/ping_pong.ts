// ping_pong: two processes bouncing a message. The child is spawned by function
// reference; a message carries the sender's pid, because a message does not name its
// sender. `pong` is also exported, so the shell can spawn it: `spawn ping_pong.pong()`.
import { print, receiveData, spawn, Pid, Writer } from "../assembly/grain";

const PING: i64 = 1;
const PONG: i64 = 2;

/** Answers every ping (the sender's pid and a number) with a pong carrying number + 1. */
export function pong(_: u64): void {
  while (true) {
    const r = receiveData([PING]).reader();
    const from = new Pid(<u64>r.i64());
    const n = r.i64();
    from.send(new Writer().i64(n + 1).str("pong"), PONG);
  }
}

export function _start(): void {
  const other = spawn(pong);
  const me = Pid.self();
  let n: i64 = 0;
  for (let round = 1; round <= 3; round++) {
    other.send(new Writer().i64(<i64>me.id).i64(n), PING);
    const r = receiveData([PONG], 1000).reader();
    n = r.i64();
    print("round " + round.toString() + ": " + r.str() + " " + n.toString());
  }
  // 1,000 more round trips, quietly.
  for (let i = 0; i < 1000; i++) {
    other.send(new Writer().i64(<i64>me.id).i64(n), PING);
    n = receiveData([PONG], 1000).reader().i64();
  }
  print("after 1003 round trips: " + n.toString());
  other.kill();
}
