import assert from "node:assert/strict";
import fc from "fast-check";
import { LinkOutage } from "../../../core/transfer/link_outage.ts";
import { LINK_PROFILES } from "../../../core/transfer/link_profile.ts";
import { NetworkLink } from "../../../core/transfer/network_link.ts";

Deno.test("an outage delays what it catches by what it had left to run, and nothing else", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 0, max: 1e6 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3e6 }), fc.integer({ min: 1, max: 1 << 20 })), {
        minLength: 1,
        maxLength: 20,
      }),
      (downAt, downFor, messages) => {
        const plain = new NetworkLink(LINK_PROFILES["1gbe"], 2);
        const cut = new LinkOutage(new NetworkLink(LINK_PROFILES["1gbe"], 2), downAt, downFor);
        messages.sort((a, b) => a[0] - b[0]);
        for (const [now, bytes] of messages) {
          const free = plain.submit(now, bytes, 1, 0, true);
          const got = cut.submit(now, bytes, 1, 0, true);
          const upAt = downAt + downFor;
          // Reference: a message that would arrive after the link went down,
          // sent before it came back, waits until it is back.
          const caught = downFor > 0 && free > downAt && now < upAt;
          assert.equal(got, caught ? free + upAt - Math.max(now, downAt) : free);
          if (caught) assert.ok(got >= upAt);
        }
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("a negative outage is refused", () => {
  assert.throws(() => new LinkOutage(new NetworkLink(LINK_PROFILES["1gbe"], 2), -1, 5), RangeError);
});
