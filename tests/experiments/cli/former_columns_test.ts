// Rows written before a column was renamed (experiments/columns.ts,
// FORMER_COLUMN_NAMES) are refused in one line, by a resumed sweep and by
// merge, rather than mixed with new rows under two names for one quantity.
import assert from "node:assert/strict";
import type { Experiment } from "../../../experiments/experiment.ts";
import { DEMO, EXPERIMENTS, FIXTURE_REGISTRY_URL } from "../fixtures/fixture_registry.ts";

// The fixture experiment under the id of one that had a column renamed: its
// rows are refused before any Worker would look the id up.
const AS_TRANSLATION = { translation: { ...DEMO, id: "translation" } };
import { experimentCli, oneLine } from "./_cli.ts";

/** Runs the CLI over `registry`, capturing stderr text. */
function cli(args: string[], registry: Readonly<Record<string, Experiment>> = AS_TRANSLATION) {
  return experimentCli(args, { registry, registryUrl: FIXTURE_REGISTRY_URL });
}

/** Gives the fixture's first row a column under a former name, as an old vmlab wrote it. */
async function age(dir: string): Promise<void> {
  const path = `${dir}/translation.jsonl`;
  const [first, ...rest] = (await Deno.readTextFile(`${dir}/demo.jsonl`)).trimEnd().split("\n");
  await Deno.rename(`${dir}/demo.json`, `${dir}/translation.json`);
  const row = { ...JSON.parse(first), l2_tlb_mpka: 12.5 };
  await Deno.writeTextFile(path, [JSON.stringify(row), ...rest].join("\n") + "\n");
}

Deno.test("a resumed sweep and merge refuse rows written under a former column name, in one line", async (t) => {
  const dir = await Deno.makeTempDir();
  assert.equal((await cli(["demo", "--out", dir], EXPERIMENTS)).code, 0);
  await age(dir);
  await t.step("resume", async () => {
    const { code, err } = await cli(["translation", "--out", dir]);
    assert.notEqual(code, 0);
    assert.equal(
      oneLine(err),
      `error: "${dir}/translation.jsonl" holds rows an earlier vmlab wrote (column "l2_tlb_mpka" is now "l2_tlb_misses_per_kilo_access"): run with --fresh to compute them again`,
    );
  });
  await t.step("merge", async () => {
    const { code, err } = await cli(["merge", dir, "--out", `${dir}/merged`]);
    assert.equal(code, 2);
    assert.equal(
      oneLine(err),
      `error: merge: "${dir}/translation.jsonl" was written by an earlier vmlab (column "l2_tlb_mpka" is now "l2_tlb_misses_per_kilo_access"); run that shard again`,
    );
  });
});
