import assert from "node:assert/strict";
import fc from "fast-check";
import { NetworkLink } from "../../../core/transfer/network_link.ts";
import { PreemptChannel } from "../../../core/transfer/preempt_channel.ts";
import {
  getLinkProfile,
  LINK_PROFILE_NAMES,
  LINK_PROFILES,
  type LinkProfile,
  validateLinkProfile,
} from "../../../core/transfer/link_profile.ts";
import { ConfigError } from "../../../core/base/config_error.ts";

/** At 1 GHz: 1 byte per cycle, 20,000-cycle round trip, 1,000 cycles per message, 8 bytes per page. */
const ROUND: LinkProfile = {
  name: "round",
  description: "round numbers for hand-checked tests",
  bytesPerSecond: 1e9,
  roundTripUs: 20,
  perMessageUs: 1,
  perPageBytes: 8,
  queueDepth: 2,
};

Deno.test("a send costs the message overhead, its bytes with page headers, and half a round trip", () => {
  const link = new NetworkLink(ROUND, 1);
  assert.equal(link.submit(0, 4096, 1, 0, true), 1000 + 4104 + 10000);
  assert.equal(link.ios, 1);
  assert.equal(link.bytes, 4096);
});

Deno.test("a fetch costs a round trip plus its transfer, and uses the other direction", () => {
  const link = new NetworkLink(ROUND, 1);
  const sent = link.submit(0, 8192, 2, 0, true); // out pipe 1,000–9,208
  const fetched = link.submit(0, 4096, 1, 0, false); // request out, answer in: no wait for the send
  assert.equal(sent, 1000 + 8208 + 10000);
  assert.equal(fetched, 1000 + 10000 + 4104 + 10000);
});

Deno.test("sends queue for the wire and for the window", () => {
  const link = new NetworkLink(ROUND, 1);
  const a = link.submit(0, 4096, 1, 0, true); // wire 1,000–5,104, arrives 15,104
  const b = link.submit(0, 4096, 1, 0, true); // wire 5,104–9,208, arrives 19,208
  const c = link.submit(0, 4096, 1, 0, true); // waits for a's slot (15,104), then 1,000
  assert.deepEqual([a, b, c], [15104, 19208, 15104 + 1000 + 4104 + 10000]);
});

/** Slow reference: messages in submission order, each window slot and each direction's wire a timeline. */
function reference(
  p: LinkProfile,
  msgs: { at: number; bytes: number; pages: number; write: boolean }[],
): number[] {
  const slots: number[] = Array(p.queueDepth).fill(0);
  let out = 0;
  let inn = 0;
  const oneWay = p.roundTripUs * 500; // 1 GHz: µs × 1,000 / 2
  return msgs.map((m) => {
    const k = slots.indexOf(Math.min(...slots));
    const start = Math.max(slots[k], m.at) + p.perMessageUs * 1000;
    const wire = Math.ceil(m.bytes + m.pages * p.perPageBytes);
    let done;
    if (m.write) {
      out = Math.max(out, start) + wire;
      done = out + oneWay;
    } else {
      inn = Math.max(inn, start + oneWay) + wire;
      done = inn + oneWay;
    }
    slots[k] = done;
    return done;
  });
}

Deno.test("NetworkLink agrees with a slow reference on random message streams", () => {
  const msgArb = fc.record({
    gap: fc.integer({ min: 0, max: 30000 }),
    pages: fc.integer({ min: 0, max: 16 }),
    extra: fc.integer({ min: 0, max: 5000 }),
    write: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.array(msgArb, { maxLength: 40 }),
      fc.integer({ min: 1, max: 4 }),
      (raw, depth) => {
        const p = { ...ROUND, queueDepth: depth };
        let at = 0;
        const msgs = raw.map((m) => {
          at += m.gap;
          return { at, bytes: m.pages * 4096 + m.extra, pages: m.pages, write: m.write };
        });
        const link = new NetworkLink(p, 1);
        const fast = msgs.map((m) => link.submit(m.at, m.bytes, m.pages, 0, m.write));
        assert.deepEqual(fast, reference(p, msgs));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("link profiles: named ones are valid; bad ones are rejected in one line naming the field", () => {
  for (const name of LINK_PROFILE_NAMES) validateLinkProfile(getLinkProfile(name));
  assert.equal(Object.keys(LINK_PROFILES).length, LINK_PROFILE_NAMES.length);
  assert.throws(
    () => getLinkProfile("carrier-pigeon"),
    {
      name: "ConfigError",
      message:
        'Cannot use link profile "carrier-pigeon": no such profile; known profiles: 1gbe, 10gbe, 25gbe',
    },
  );
  for (
    const [field, bad] of [
      ["bytesPerSecond", 0],
      ["roundTripUs", -1],
      ["perMessageUs", Number.NaN],
      ["perPageBytes", -8],
      ["queueDepth", 1.5],
    ] as const
  ) {
    assert.throws(
      () => new NetworkLink({ ...ROUND, [field]: bad }, 1),
      (e: unknown) =>
        e instanceof ConfigError && e.component === "link profile" && e.field === field &&
        !e.message.includes("\n"),
      field,
    );
  }
});

Deno.test("a preempt message jumps the stream's queue and the stream yields it the wire", () => {
  const link = new NetworkLink(LINK_PROFILES["1gbe"], 1);
  // 1 GHz, 125 MB/s: 8 cycles per byte; 5 µs per message; 55 µs one way.
  const first = link.submit(0, 1_000_000, 0, 0, true);
  assert.equal(first, 5000 + 8_000_000 + 55000);
  const urgent = new PreemptChannel(link);
  const page = urgent.submit(1000, 4096, 1, 0, true);
  assert.equal(page, 1000 + 5000 + (4096 + 8) * 8 + 55000);
  // The next stream message waits for the first and for the urgent page's wire time.
  const second = link.submit(1000, 1000, 0, 0, true);
  assert.equal(second, 5000 + 8_000_000 + (4096 + 8) * 8 + 1000 * 8 + 55000);
  assert.equal(urgent.ios, 1);
  assert.equal(link.ios, 3);
  assert.equal(urgent.name, "1gbe+preempt");
  assert.equal(link.messageLatency, 5000 + 55000);
  assert.throws(() => urgent.submit(0, 1, 1, 0, false), /only sends/);
});
