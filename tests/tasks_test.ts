// The tasks that run the simulator all run V8 alike: README ("As a
// library") and bench/README.md state one inlining budget for every
// command, and a task added without it would run its hot paths slower
// than the numbers the benchmarks report.
import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FLAG = "--v8-flags=--max-inlined-bytecode-size-cumulative=1840";

Deno.test("every task that runs the simulator runs V8 with the inlining budget the docs state", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const tasks = Object.entries(config.tasks as Record<string, string>);
  // The test task only runs checks; every other task runs a command line of ours.
  const runs = tasks.filter(([name]) => name !== "test");
  assert.ok(runs.length >= 5, `expected the sim, state, experiment, trace and bench tasks`);
  for (const [name, command] of runs) {
    assert.ok(command.startsWith(`deno run ${FLAG} `), `task ${name}: ${command}`);
  }
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  assert.ok(readme.includes(FLAG), "README.md names the flag for programs that import the package");
});
