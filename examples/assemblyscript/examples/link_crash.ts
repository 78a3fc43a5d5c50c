// link_crash: a linked child aborts (an index out of range). The parent traps link deaths,
// so the crash reaches it as a LinkDied message carrying the link's tag, and it lives on.
// `unguarded` does the same without trapping: it dies with its child.
import { print, receive, sleep, spawnLink, trapLinks, Kind } from "../assembly/grain";

/** Writes past the end of a 3-element array: AssemblyScript aborts, grain traps. */
export function fragile(index: u64): void {
  sleep(10);
  const cells = new StaticArray<i32>(3);
  cells[<i32>index] = 1;
}

export function _start(): void {
  trapLinks();
  const child = spawnLink(fragile, 7, 42);
  print("spawned a linked child that will index out of range");
  const m = receive([], 5000);
  if (m.kind == Kind.LinkDied && m.pid == child.id) {
    print("LinkDied from the child, link tag " + m.tag.toString());
  } else {
    print("unexpected: kind " + m.kind.toString());
  }
  print("the parent lives on");
}

/** Links to a crashing child without trapping link deaths: both end. */
export function unguarded(_: u64): void {
  spawnLink(fragile, 7, 42);
  receive();
  print("never printed");
}
