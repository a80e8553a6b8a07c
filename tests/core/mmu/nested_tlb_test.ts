import assert from "node:assert/strict";
import fc from "fast-check";
import { NestedTlb } from "../../../core/mmu/nested_tlb.ts";
import { ReferenceTlb } from "./_reference_tlb.ts";

/** The nested TLB as a 2-D walker used a plain TLB: sizes tried from 4K up, pages keyed by size. */
function referenceTranslate(ref: ReferenceTlb, held: number[], frame: number): number {
  for (let size = 0; size < 3; size++) {
    if (held[size] === 0) continue;
    const span = 512 ** size;
    const page = Math.floor(frame / span);
    const first = ref.lookup(page, size, 0);
    if (first !== undefined) return first + (frame - page * span);
  }
  return -1;
}

type Op =
  | { op: "translate"; frame: number }
  | { op: "insert"; frame: number; size: number; host: number }
  | { op: "flush" };

// Frames from a few 1G regions, so that 4K, 2M and 1G entries overlap and sets fill.
const frame = fc.oneof(
  fc.integer({ min: 0, max: 3 * 262144 }),
  fc.integer({ min: 0, max: 40 }).map((i) => i * 513),
  fc.integer({ min: 2 ** 40, max: 2 ** 40 + 1024 }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant("translate" as const), frame }) },
  {
    weight: 10,
    arbitrary: fc.record({
      op: fc.constant("insert" as const),
      frame,
      size: fc.integer({ min: 0, max: 2 }),
      host: fc.nat(2 ** 20),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flush" as const) }) },
);

Deno.test("NestedTlb holds what a reference TLB used as the nested TLB holds (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.constantFrom([0, 1], [1, 1], [4, 4], [16, 16], [8, 2], [12, 4], [6, 2]),
      fc.array(op, { minLength: 50, maxLength: 300 }),
      ([entries, ways], ops) => {
        const fast = new NestedTlb(entries, ways);
        const ref = new ReferenceTlb(entries, ways);
        const held = [0, 0, 0]; // inserts per size so far: sizes never held are not looked up
        for (const o of ops) {
          if (o.op === "translate") {
            const want = referenceTranslate(ref, held, o.frame);
            assert.equal(fast.translate(o.frame), want);
          } else if (o.op === "insert") {
            const span = 512 ** o.size;
            const page = Math.floor(o.frame / span);
            const host = o.host * span + (o.frame - page * span);
            fast.insert(o.frame, o.size, host);
            ref.insert(page, o.size, 0, host - (o.frame - page * span), false);
            held[o.size]++;
          } else {
            fast.flushAll();
            ref.flushAll();
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("NestedTlb reports the size of the entry that hit", () => {
  const ntlb = new NestedTlb(16, 16);
  ntlb.insert(262144 + 7, 2, 5 * 262144 + 7);
  ntlb.insert(512 * 3 + 1, 1, 512 * 9 + 1);
  assert.equal(ntlb.translate(262144 + 100), 5 * 262144 + 100);
  assert.equal(ntlb.size, 2);
  assert.equal(ntlb.translate(512 * 3 + 511), 512 * 9 + 511);
  assert.equal(ntlb.size, 1);
  assert.equal(ntlb.translate(512 * 4), -1);
  assert.throws(() => new NestedTlb(10, 4), RangeError);
});
