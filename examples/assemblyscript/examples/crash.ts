// crash: a failed assertion. The library maps AssemblyScript's `abort` to a message on
// stderr and a wasm trap, so grain reports the trap with a backtrace; exit status 101.
import { print } from "../assembly/grain";

function check(balance: i32): void {
  assert(balance >= 0, "the balance went negative");
}

export function _start(): void {
  print("checking the balance");
  check(-5);
  print("never printed");
}
