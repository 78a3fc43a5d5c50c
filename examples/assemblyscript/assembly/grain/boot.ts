// An extra entry file (asconfig.json `entries`), so every program exports the trampoline
// that `spawn(fn, arg)` starts a child in: it calls the function at table index `fn`.
import "./index";

/** Runs the function with table index `fn` with `arg` (the child side of `spawn`); both
 *  are i64s, the only parameter type the library's spawn passes. */
export function __grain_as_spawn(fn: u64, arg: u64): void {
  call_indirect<void>(<u32>fn, arg);
}
