// ring: 100 processes in a ring pass a token 10 times round; each adds one to it. Every
// node is spawned by export name, with the pid of the next one as its argument, so the
// ring is built backwards from the starting process.
import { print, receiveData, spawnExportLink, Pid, Writer } from "../assembly/grain";

const SIZE = 100;
const ROUNDS = 10;
const TOKEN: i64 = 7;

/** A node of the ring: forwards the token to `next`, one larger, forever. */
export function node(next: u64): void {
  const to = new Pid(next);
  while (true) {
    const hops = receiveData([TOKEN]).reader().i64();
    to.send(new Writer().i64(hops + 1), TOKEN);
  }
}

export function _start(): void {
  let next = Pid.self();
  // Linked: when the ring's start ends, the nodes go with it.
  for (let i = 1; i < SIZE; i++) next = spawnExportLink("node", [<i64>next.id]);
  let hops: i64 = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    next.send(new Writer().i64(hops), TOKEN);
    hops = receiveData([TOKEN], 5000).reader().i64();
  }
  print("a ring of " + SIZE.toString() + " processes, " + ROUNDS.toString() + " rounds");
  print("the token made " + hops.toString() + " hops");
}
