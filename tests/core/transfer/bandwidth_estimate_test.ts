import assert from "node:assert/strict";
import fc from "fast-check";
import { BandwidthEstimate } from "../../../core/transfer/bandwidth_estimate.ts";

Deno.test("the estimate is the rate of the last closed window, as QEMU re-measures every 100 ms", () => {
  const bw = new BandwidthEstimate(1000);
  assert.equal(bw.bytesPerCycle(0), 0, "nothing measured, no time passed");
  bw.record(500, 250);
  assert.equal(bw.bytesPerCycle(500), 1, "running rate before a window closes");
  bw.record(1500, 1000); // window 0–1,000: 2,000 B
  assert.equal(bw.bytesPerCycle(1200), 2);
  bw.record(9000, 1500); // window still open: the closed one's rate holds
  assert.equal(bw.bytesPerCycle(1600), 2);
  bw.record(0, 2000); // window 1,000–2,000: 9,000 B
  assert.equal(bw.bytesPerCycle(2000), 9);
  bw.reset(5000);
  assert.equal(bw.bytesPerCycle(5000), 0);
});

Deno.test("a steady stream is estimated at its rate", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 1, max: 64 }),
      (rate, step) => {
        const bw = new BandwidthEstimate(500);
        for (let t = step; t <= 5000; t += step) bw.record(rate * step, t);
        assert.ok(Math.abs(bw.bytesPerCycle(5000) - rate) < 1e-9 * rate);
      },
    ),
  );
});
