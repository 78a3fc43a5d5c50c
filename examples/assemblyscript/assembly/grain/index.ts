// grain's AssemblyScript guest library. Import it as `import { ... } from "../assembly/grain"`.
// Top-level code of a module runs in every process (it is the wasm start function); a
// program's entry point is `export function _start(): void`.

export * from "./io";
export * from "./codec";
export * from "./mailbox";
export * from "./process";
export * from "./names";
export * from "./code";
