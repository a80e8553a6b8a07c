import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AutoConverge,
  modelRounds,
  type RoundEnd,
  stopsNow,
} from "../../../core/migration/stop_rule.ts";

/** The rules as the sources state them, written out plainly. */
function referenceStop(rule: string, e: RoundEnd): string | null {
  const small = rule === "xen-legacy" ? e.roundPages < 50 : e.pendingPages < 50;
  switch (rule) {
    case "qemu":
      return e.pendingPages * 4096 < e.bandwidth * e.downtimeCycles ? "converged" : null;
    case "xen-legacy":
      if (small) return "converged";
      if (e.rounds >= 29) return "round cap";
      if (e.sentBytes > 3 * e.memoryBytes) return "byte cap";
      return null;
    default:
      if (small) return "converged";
      return e.rounds >= 5 ? "round cap" : null;
  }
}

const roundEndArb: fc.Arbitrary<RoundEnd> = fc.record({
  rounds: fc.integer({ min: 1, max: 40 }),
  roundPages: fc.integer({ min: 0, max: 100000 }),
  pendingPages: fc.integer({ min: 0, max: 100000 }),
  sentBytes: fc.integer({ min: 0, max: 2e9 }),
  memoryBytes: fc.constant(4096 * 100000),
  bandwidth: fc.double({ min: 0, max: 10, noNaN: true }),
  downtimeCycles: fc.integer({ min: 0, max: 1e8 }),
});

Deno.test("stopsNow() agrees with the rules as QEMU and Xen state them", () => {
  fc.assert(
    fc.property(fc.constantFrom("qemu", "xen-legacy", "xen"), roundEndArb, (rule, e) => {
      assert.equal(stopsNow(rule as "qemu", e), referenceStop(rule, e));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("Xen's legacy loop caps rounds at 29 and bytes at 3 × memory; today's at 5 rounds", () => {
  const e: RoundEnd = {
    rounds: 28,
    roundPages: 1000,
    pendingPages: 1000,
    sentBytes: 1e9,
    memoryBytes: 1e9,
    bandwidth: 0,
    downtimeCycles: 0,
  };
  assert.equal(stopsNow("xen-legacy", e), null);
  assert.equal(stopsNow("xen-legacy", { ...e, rounds: 29 }), "round cap");
  assert.equal(stopsNow("xen-legacy", { ...e, sentBytes: 3e9 + 1 }), "byte cap");
  assert.equal(stopsNow("xen-legacy", { ...e, roundPages: 49 }), "converged");
  assert.equal(stopsNow("xen", { ...e, rounds: 4 }), null);
  assert.equal(stopsNow("xen", { ...e, rounds: 5 }), "round cap");
  assert.equal(stopsNow("xen", { ...e, pendingPages: 49 }), "converged");
  assert.equal(stopsNow("qemu", e), null, "no bandwidth measured: nothing fits");
});

/** QEMU's auto-converge as migration/ram.c reads, step by step. */
class ReferenceAutoConverge {
  pct = 0;
  high = 0;
  sync(dirty: number, xfer: number): number {
    const threshold = xfer * 50 / 100;
    if (dirty > threshold) {
      this.high++;
      if (this.high >= 2) {
        this.high = 0;
        this.pct = this.pct === 0 ? 20 : Math.min(this.pct + 10, 99);
      }
    }
    return this.pct / 100;
  }
}

Deno.test("AutoConverge agrees with QEMU's logic written out step by step", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 2000 })), {
        maxLength: 60,
      }),
      (syncs) => {
        const fast = new AutoConverge();
        const ref = new ReferenceAutoConverge();
        for (const [dirty, sent] of syncs) {
          assert.ok(Math.abs(fast.afterSync(dirty, sent) - ref.sync(dirty, sent)) < 1e-9);
        }
      },
    ),
  );
});

Deno.test("the throttle reaches 99 % and stays there", () => {
  const ac = new AutoConverge();
  for (let i = 0; i < 100; i++) ac.afterSync(1, 1);
  assert.equal(ac.throttle, 0.99);
});

Deno.test("modelRounds() is the smallest n with M·ρⁿ < R·T", () => {
  fc.assert(fc.property(
    fc.double({ min: 1e8, max: 1e11, noNaN: true }),
    fc.double({ min: 1e7, max: 1e10, noNaN: true }),
    fc.double({ min: 0.01, max: 1, noNaN: true }),
    fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    (m, r, t, rho) => {
      const n = modelRounds(m, r, t, rho);
      if (r * t >= m) return assert.equal(n, 0);
      // Up to rounding at the boundary the formula's n is the first that fits.
      assert.ok(m * rho ** n <= r * t * (1 + 1e-9), `n=${n}`);
      assert.ok(m * rho ** (n - 1) >= r * t * (1 - 1e-9), `n-1=${n - 1}`);
    },
  ));
  assert.equal(modelRounds(2, 1, 1, 1.5), Infinity);
});
