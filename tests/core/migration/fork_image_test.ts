import assert from "node:assert/strict";
import fc from "fast-check";
import { ForkImage } from "../../../core/migration/fork_image.ts";
import { GuestMemory, PageMode } from "../../../core/mem/guest_memory.ts";

/**
 * The reference: the fork instant's versions, copied whole at the fork. A
 * child must read exactly these, whatever the parent does after.
 */
class ReferenceImage {
  readonly #versions: Uint32Array;
  constructor(parent: GuestMemory) {
    this.#versions = parent.version.slice();
  }
  versionOf(page: number): number {
    return this.#versions[page];
  }
}

/** A step of a stunned parent after the fork: a write, or a child reading the image. */
type Step = { write: boolean; page: number };

const stepsArb = (pages: number): fc.Arbitrary<Step[]> =>
  fc.array(
    fc.record({ write: fc.boolean(), page: fc.integer({ min: 0, max: pages - 1 }) }),
    { maxLength: 200 },
  );

Deno.test("ForkImage agrees with a whole copy of the fork instant while a protected parent writes on", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 32 }).chain((pages) =>
        fc.tuple(
          fc.constant(pages),
          fc.array(fc.nat({ max: 1000 }), { minLength: pages, maxLength: pages }),
          stepsArb(pages),
        )
      ),
      ([pages, versions, steps]) => {
        const parent = new GuestMemory(pages);
        parent.version.set(versions);
        const image = new ForkImage(parent);
        const reference = new ReferenceImage(parent);
        parent.protectAll();
        const written = new Set<number>();
        for (const { write, page } of steps) {
          if (write) {
            // The parent's write protocol: a protected page faults, the image keeps it, the write lands.
            if (parent.mode[page] === PageMode.WRITE_PROTECTED) {
              assert.equal(image.keep(page), true);
              parent.unprotect(page);
            }
            assert.equal(parent.write(page), -1);
            written.add(page);
          } else {
            assert.equal(image.versionOf(page), reference.versionOf(page));
          }
        }
        for (let p = 0; p < pages; p++) {
          assert.equal(image.versionOf(p), reference.versionOf(p));
        }
        assert.equal(image.copies, written.size, "one copy per page the parent wrote");
      },
    ),
  );
});

Deno.test("ForkImage keeps a page once, and reads the parent's frame until then", () => {
  const parent = new GuestMemory(3);
  parent.version.set([7, 8, 9]);
  const image = new ForkImage(parent);
  assert.equal(image.keep(1), true);
  assert.equal(image.keep(1), false);
  parent.version[1] = 100;
  parent.version[2] = 200; // written in place, as a broken parent would: the image shows it
  assert.deepEqual([0, 1, 2].map((p) => image.versionOf(p)), [7, 8, 200]);
  assert.equal(image.copies, 1);
});
