import assert from "node:assert/strict";
import { appendRow, loadRows } from "../../../experiments/sweep/row_store.ts";
import { UsageError } from "../../../experiments/cli/usage_error.ts";

Deno.test("loadRows() of a missing file is empty", async () => {
  assert.deepEqual(await loadRows(`${await Deno.makeTempDir()}/none.jsonl`), []);
});

Deno.test("appendRow() and loadRows() round-trip rows, one per line", async () => {
  const path = `${await Deno.makeTempDir()}/rows.jsonl`;
  appendRow(path, { point_id: "a", x: 1, s: "line\nbreak" });
  appendRow(path, { point_id: "b", x: 2, ok: true });
  assert.deepEqual(await loadRows(path), [{ point_id: "a", x: 1, s: "line\nbreak" }, {
    point_id: "b",
    x: 2,
    ok: true,
  }]);
  assert.equal((await Deno.readTextFile(path)).split("\n").length, 3);
});

Deno.test("loadRows() drops a torn last line and cuts it from the file", async (t) => {
  for (const tail of ['{"point_id":"c","x":', "{", '{"point_id":"c"}']) {
    await t.step(JSON.stringify(tail), async () => {
      const path = `${await Deno.makeTempDir()}/rows.jsonl`;
      const whole = '{"point_id":"a"}\n{"point_id":"b"}\n';
      await Deno.writeTextFile(path, whole + tail);
      assert.deepEqual((await loadRows(path)).map((r) => r.point_id), ["a", "b"]);
      assert.equal(await Deno.readTextFile(path), whole);
      appendRow(path, { point_id: "c" });
      assert.deepEqual((await loadRows(path)).map((r) => r.point_id), ["a", "b", "c"]);
    });
  }
});

Deno.test("loadRows() with repair off leaves the file as it is", async () => {
  const path = `${await Deno.makeTempDir()}/rows.jsonl`;
  await Deno.writeTextFile(path, '{"point_id":"a"}\n{"poi');
  assert.equal((await loadRows(path, { repair: false })).length, 1);
  assert.equal(await Deno.readTextFile(path), '{"point_id":"a"}\n{"poi');
});

Deno.test("loadRows() keeps the first of two rows with the same point id", async () => {
  const path = `${await Deno.makeTempDir()}/rows.jsonl`;
  await Deno.writeTextFile(path, '{"point_id":"a","v":1}\n{"point_id":"a","v":2}\n');
  assert.deepEqual(await loadRows(path), [{ point_id: "a", v: 1 }]);
});

Deno.test("loadRows() names the file and line of a bad complete line", async () => {
  const path = `${await Deno.makeTempDir()}/rows.jsonl`;
  await Deno.writeTextFile(path, '{"point_id":"a"}\nnot json\n{"point_id":"b"}\n');
  await assert.rejects(
    () => loadRows(path),
    new UsageError(`Cannot read rows "${path}": line 2: not a JSON object`),
  );
  await Deno.writeTextFile(path, '{"x":1}\n');
  await assert.rejects(() => loadRows(path), /line 1: no "point_id" field/);
});
