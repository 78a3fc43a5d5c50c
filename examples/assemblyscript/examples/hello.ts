// hello: the smallest program. `grain run` calls the exported `_start`. Top-level code
// runs before it, in the wasm start function, once in every process of the module; host
// calls work there too (here it sends the process a message).
import { print, receive, Pid } from "../assembly/grain";

const greeting = "Hello from AssemblyScript on grain";
Pid.self().sendText("a message sent by top-level code", 1);

export function _start(): void {
  print(greeting);
  print("top-level code sent me: " + receive([1], 1000).text());
}
