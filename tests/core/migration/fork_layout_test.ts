import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ForkLayout,
  freshPages,
  guestTablePages,
  workingSetPages,
  writablePages,
} from "../../../core/migration/fork_layout.ts";

/** Tables of 4-level paging, counted one by one: every distinct index prefix of a mapped page. */
function referenceTablePages(pages: number): number {
  let tables = 0;
  for (let level = 1; level <= 4; level++) {
    const seen = new Set<number>();
    for (let p = 0; p < pages; p++) seen.add(Math.floor(p / 512 ** level));
    tables += seen.size;
  }
  return tables;
}

Deno.test("guestTablePages counts what a page-by-page count of table prefixes counts", () => {
  for (const pages of [1, 2, 511, 512, 513, 4096, 262143, 262144, 262145, 300000]) {
    assert.equal(guestTablePages(pages), referenceTablePages(pages), String(pages));
  }
  assert.equal(guestTablePages(262144), 512 + 1 + 1 + 1, "1 GiB");
});

const layoutArb = fc.record({
  pages: fc.integer({ min: 2, max: 3000 }),
  ws: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
  run: fc.integer({ min: 1, max: 8 }),
  writable: fc.double({ min: 0.01, max: 1, noNaN: true }),
  fresh: fc.double({ min: 0, max: 1, noNaN: true }),
  seed: fc.integer({ min: 0, max: 1 << 30 }),
}).filter((o) => {
  const ws = workingSetPages(o.pages, o.ws);
  return freshPages(writablePages(ws, o.writable), o.fresh) <= o.pages - ws;
});

Deno.test("ForkLayout: the writable set is rewritten working-set pages and fresh pages outside it, as sized", () => {
  fc.assert(
    fc.property(layoutArb, (o) => {
      const layout = new ForkLayout(o.pages, o.ws, o.run, o.writable, o.fresh, o.seed);
      const ws = new Set(layout.workingSet);
      assert.equal(ws.size, workingSetPages(o.pages, o.ws));
      const w = writablePages(ws.size, o.writable);
      const f = freshPages(w, o.fresh);
      assert.equal(layout.writable.length, w);
      assert.equal(new Set(layout.writable).size, w, "distinct");
      let fresh = 0;
      for (const p of layout.writable) {
        assert.ok(p < o.pages);
        const isFresh = layout.fresh[p] === 1;
        assert.equal(isFresh, !ws.has(p), "fresh exactly when outside the working set");
        if (isFresh) fresh++;
      }
      assert.equal(fresh, f);
      assert.equal(layout.freshCount, f);
      assert.equal(
        layout.fresh.reduce((a, b) => a + b, 0),
        f,
        "no fresh page off the writable set",
      );
      for (let p = 0; p < o.pages; p++) assert.equal(layout.inWorkingSet[p] === 1, ws.has(p));
      const order = layout.writeOrder(o.seed + 1);
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        [...layout.writable].sort((a, b) => a - b),
      );
    }),
  );
});

Deno.test("ForkLayout is the same for a seed, and each guest's write order its own", () => {
  const a = new ForkLayout(4096, 0.25, 3, 0.5, 0.5, 11);
  const b = new ForkLayout(4096, 0.25, 3, 0.5, 0.5, 11);
  assert.deepEqual(a.writable, b.writable);
  assert.deepEqual(a.writeOrder(1), b.writeOrder(1));
  assert.notDeepEqual(a.writeOrder(1), a.writeOrder(2));
});
