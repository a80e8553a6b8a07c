import assert from "node:assert/strict";
import fc from "fast-check";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { ConfigError } from "../../../core/base/config_error.ts";
import { PageMode } from "../../../core/mem/guest_memory.ts";
import { ExitReason } from "../../../core/base/exit_reason.ts";

const COST = getProfile("intel-skylake-sp");

/** One step of a random run: a vCPU writes a page, or the log is read (and re-armed or not). */
type Op = { write: [vcpu: number, page: number] } | { collect: boolean };

/**
 * Slow reference of dirty logging, from its description: a set of dirty
 * pages, a set of watched pages, and per vCPU a count of PML entries used.
 */
function reference(
  method: "write-protect" | "pml",
  entries: number,
  pages: number,
  vcpus: number,
  ops: Op[],
) {
  const watched = new Set<number>(Array.from({ length: pages }, (_, p) => p));
  let dirty = new Set<number>();
  const used = Array(vcpus).fill(0);
  const exits = Array(vcpus).fill(0);
  const reads: number[][] = [];
  for (const op of ops) {
    if ("write" in op) {
      const [v, p] = op.write;
      if (!watched.has(p)) continue; // a writable page: no logging
      watched.delete(p);
      dirty.add(p);
      if (method === "write-protect") exits[v]++;
      else if (++used[v] === entries) {
        used[v] = 0;
        exits[v]++;
      }
    } else {
      const read = [...dirty].sort((a, b) => a - b);
      reads.push(read);
      if (op.collect) { for (const p of read) watched.add(p); }
      dirty = new Set();
      used.fill(0);
    }
  }
  return { reads, exits, watched: [...watched].sort((a, b) => a - b) };
}

const opArb = (pages: number, vcpus: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(fc.nat(vcpus - 1), fc.nat(pages - 1)).map((write) => ({ write })),
    },
    { weight: 1, arbitrary: fc.boolean().map((collect) => ({ collect })) },
  );

Deno.test("DirtyLog agrees with a slow reference on random writes and reads", () => {
  fc.assert(
    fc.property(
      fc.tuple(
        fc.constantFrom("write-protect" as const, "pml" as const),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
      ).chain(([method, entries, pages, vcpus]) =>
        fc.tuple(
          fc.constant(method),
          fc.constant(entries),
          fc.constant(pages),
          fc.constant(vcpus),
          fc.array(opArb(pages, vcpus), { maxLength: 120 }),
        )
      ),
      ([method, entries, pages, vcpus, ops]) => {
        const machine = buildMachine({
          platform: "nested",
          vcpus,
          guestMemoryPages: pages,
          dirtyLog: method === "pml" ? { method, pmlEntries: entries } : { method },
        }, COST);
        const log = machine.dirtyLog!;
        const mode = machine.guestMemory!.mode;
        log.start();
        const reads: number[][] = [];
        const out = new Uint32Array(pages);
        for (const op of ops) {
          if ("write" in op) {
            const [v, p] = op.write;
            if (mode[p] === PageMode.LOGGED) log.write(v, p);
          } else reads.push(Array.from(out.subarray(0, log.collect(out, op.collect))));
        }
        const ref = reference(method, entries, pages, vcpus, ops);
        assert.deepEqual(reads, ref.reads);
        const reason = method === "pml" ? ExitReason.PML_FULL : ExitReason.WRITE_PROTECT;
        assert.deepEqual(machine.vcpus.map((v) => v.stats.exits[reason]), ref.exits);
        const watched = [...mode.keys()].filter((p) => mode[p] === PageMode.LOGGED);
        assert.deepEqual(watched, ref.watched);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("DirtyLog.start splits the host's large pages, keeping every translation", () => {
  for (const hostPage of ["2m", "1g"] as const) {
    const machine = buildMachine({ platform: "nested", hostPage, guestMemoryPages: 2048 }, COST);
    assert.equal(machine.backGuestMemory(2048), hostPage === "2m" ? 4 : 1, hostPage);
    const table = machine.hostTable!;
    const before = Array.from({ length: 2048 }, (_, g) => table.translate(g));
    const splits = machine.dirtyLog!.start();
    assert.equal(splits, hostPage === "2m" ? 4 : 1 + 512, hostPage);
    for (let g = 0; g < 2048; g++) {
      assert.equal(table.translate(g), before[g]);
      assert.equal(table.lastSize, 0, "4 KiB after the split");
    }
    assert.equal(machine.dirtyLog!.start(), 0, "nothing left to split");
  }
});

Deno.test("dirty logging is configured as data and refused where it cannot mean anything", () => {
  assert.throws(
    () => buildMachine({ platform: "native", guestMemoryPages: 16 }, COST),
    (e: unknown) => e instanceof ConfigError && /no hypervisor/.test(e.message),
  );
  assert.throws(
    () => buildMachine({ platform: "nested", dirtyLog: { method: "pml" } }, COST),
    /needs tracked memory/,
  );
  assert.throws(
    () =>
      buildMachine({ platform: "nested", guestMemoryPages: 1, dirtyLog: { pmlEntries: 8 } }, COST),
    /needs method "pml"/,
  );
  assert.throws(
    () =>
      buildMachine({
        platform: "nested",
        guestMemoryPages: 1,
        dirtyLog: { method: "bitmap" },
      }, COST),
    {
      message:
        'Cannot use machine config: field "dirtyLog.method": expected one of write-protect, pml, got "bitmap"',
    },
  );
  assert.equal(
    buildMachine({ platform: "shadow", guestMemoryPages: 4 }, COST).dirtyLog!.config.method,
    "write-protect",
  );
});
