// The test command behind `deno task test`: formatting, lint, type check, doc
// lint, publish dry run, then the test suite (doc examples included). It runs
// every step even after a failure, so one run shows everything that is wrong,
// and ends with one plain line `tests: N passed, N failed` counting each
// check as one test beside the test suite's own tests.
const deno = Deno.execPath();
const checks: [string, string[]][] = [
  ["format", ["fmt", "--check"]],
  ["lint", ["lint"]],
  ["type check", ["check", "."]],
  ["doc lint", ["doc", "--lint", "mod.ts", "core/mod.ts", "experiments/mod.ts", "reports/mod.ts"]],
  ["publish dry run", ["publish", "--dry-run", "--allow-dirty"]],
];
let passed = 0;
let failed = 0;
const failures: string[] = [];

async function step(name: string, args: string[], capture = false): Promise<string> {
  console.error(`\n== ${name}: deno ${args.join(" ")}`);
  const child = new Deno.Command(deno, {
    args,
    stdout: capture ? "piped" : "inherit",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  let text = "";
  if (capture) {
    const decoder = new TextDecoder();
    for await (const bytes of child.stdout) {
      const s = decoder.decode(bytes, { stream: true });
      text += s;
      await Deno.stdout.write(bytes);
    }
  }
  const { success } = await child.status;
  if (!capture) {
    if (success) passed++;
    else {
      failed++;
      failures.push(name);
    }
  } else if (!success) {
    failures.push(name);
  }
  return text;
}

for (const [name, args] of checks) await step(name, args);

const output = await step("tests", [
  "test",
  "--doc",
  "--parallel",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
], true);
const summary = [...output.matchAll(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)].at(-1);
if (summary) {
  passed += Number(summary[1]);
  failed += Number(summary[2]);
  if (Number(summary[2]) === 0 && failures.includes("tests")) failed++; // crashed after its summary
} else {
  failed++; // the runner died before summing up
}
if (failures.length > 0) console.error(`\nfailed: ${failures.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
