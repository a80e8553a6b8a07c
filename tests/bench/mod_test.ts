// deno task bench writes plain text when its output is redirected: no escape
// codes on a pipe, whatever mitata or the terminal would do.
import assert from "node:assert/strict";

const MOD = new URL("../../bench/mod.ts", import.meta.url).pathname;

async function bench(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-sys", MOD, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("deno task bench writes no escape codes when stdout and stderr are not terminals", async () => {
  // One of the quickest benchmarks, measured for real: the table, the goals and the JSON.
  const { code, stdout, stderr } = await bench(["workload: sequential"]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^benchmark\s+avg\/call/);
  assert.match(stdout, /"per_second": \d+/);
  assert.equal(stdout.includes("\x1b"), false, JSON.stringify(stdout.slice(0, 200)));
  assert.equal(stderr.includes("\x1b"), false, JSON.stringify(stderr.slice(0, 200)));
});
