// Changing code while it runs: the guest's half of grain's upgrade in place (the book's
// "Changing code while it runs"). An upgradable process checks each message with
// `isUpgrade`; on one, it calls `handOver` with its state. When the new code takes the
// state over, `handOver` never returns (the old instance is gone); otherwise it returns
// why not, and the old code goes on with its state (a rollback).
//
// The new code exports two functions (re-export them from the program's entry file):
//   export function grain_code_change(from: i32, len: i32): i32  // takeState(len); 0 accepts
//   export function grain_code_resume(): void                    // the loop it goes on with

import { Message, Kind } from "./mailbox";

/** The tag of the host's code-change message ("GRAIN_UP"). */
export const CODE_CHANGE: i64 = 0x4752_4149_4e5f_5550;

export namespace code {
  // @ts-ignore: decorator
  @external("grain::code", "handoff")
  export declare function handoff(ptr: usize, len: usize): i32;
  // @ts-ignore: decorator
  @external("grain::code", "take_state")
  export declare function take_state(ptr: usize, len: usize): i32;
  // @ts-ignore: decorator
  @external("grain::code", "version")
  export declare function version(): i32;
}

/** Why `handOver` returned: the state stayed with the old code. */
export enum Kept {
  /** No upgrade was asked for (one that timed out, say). */
  NotAsked = 1,
  /** The new code refused the state. */
  Refused = 2,
  /** The new code failed: it trapped, ran too long, or would not start. */
  Failed = 3,
}

/** Whether `m` is the host asking for the state (an upgrade). */
export function isUpgrade(m: Message): bool {
  return m.kind == Kind.Data && m.tag == CODE_CHANGE;
}

/** Hands `state` to the new code; returns only if the new code did not take it. */
export function handOver(state: ArrayBuffer): Kept {
  return <Kept>code.handoff(changetype<usize>(state), state.byteLength);
}

/** Inside `grain_code_change`: the state the old code handed over (`len` bytes). */
export function takeState(len: i32): ArrayBuffer {
  const bytes = new ArrayBuffer(len);
  code.take_state(changetype<usize>(bytes), len);
  return bytes;
}

/** The version of the code running (`name@N`); 0 when not loaded under a name. */
export function codeVersion(): u32 {
  return <u32>code.version();
}
