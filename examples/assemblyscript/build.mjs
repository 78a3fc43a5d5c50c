// Builds every examples/*.ts to build/*.wasm in one node process (each `asc` command
// would pay node's start-up again). `npm run build`; `npm run build -- hello` builds one.
import asc from "assemblyscript/asc";
import { mkdirSync, readdirSync } from "node:fs";

const only = process.argv.slice(2);
const names = readdirSync("examples")
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -3))
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();
if (names.length === 0) {
  console.error(`no examples match ${only.join(" ")}`);
  process.exit(1);
}
mkdirSync("build", { recursive: true });
for (const name of names) {
  const { error, stderr } = await asc.main([
    `examples/${name}.ts`,
    "--config", "asconfig.json",
    "--outFile", `build/${name}.wasm`,
  ]);
  if (error) {
    console.error(stderr.toString());
    console.error(`building examples/${name}.ts failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`build/${name}.wasm`);
}
