import assert from "node:assert/strict";
import { type BusOptions, resolveBusOptions } from "../../../core/bus/bus_params.ts";

const bad: [BusOptions, RegExp][] = [
  [
    { method: "inline", messageBytes: 1 << 20 },
    /"messageBytes": an inline message must fit the ring/,
  ],
  [{ ringPages: 96 }, /"ringPages": expected a power of two, got 96/],
  [
    { method: "remap", policyThresholdBytes: 4096 },
    /"policyThresholdBytes": only policy uses it, not remap/,
  ],
  [
    { method: "inline", brokenRemapSkipsShootdown: true },
    /"brokenRemapSkipsShootdown": only remap and policy use it/,
  ],
  [
    { signalling: "poll", brokenReaderSkipsRecheck: true },
    /"brokenReaderSkipsRecheck": only vmbus and event-idx use it, not poll/,
  ],
  [
    { messageBytes: 2 << 20, bufferMib: 1 },
    /"bufferMib": a message of 2097152 bytes needs 512 pages/,
  ],
  [
    { method: "remap", messageBytes: 2 << 20, ringPages: 1 },
    /"ringPages": the packet listing 512 pages does not fit 1 ring pages/,
  ],
  [{ signalling: "interrupts" }, /"signalling"/],
  [{ offeredMsgsS: 0 }, /"offeredMsgsS"/],
  [{ messageBytes: 0 }, /"messageBytes"/],
];

Deno.test("bad bus options are one-line errors naming the field", () => {
  for (const [options, message] of bad) {
    assert.throws(() => resolveBusOptions(options), (error: Error) => {
      assert.match(error.message, /^Cannot use bus options: field /);
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("defaults: netvsc's ring and buffer, and fewer messages when they are large", () => {
  const s = resolveBusOptions({});
  assert.equal(s.method, "policy");
  assert.equal(s.ringBytes, 128 * 4096);
  assert.equal(s.bufferPages, 16 * 256);
  assert.equal(s.messages, 2000);
  assert.equal(s.receiverTouches, false);
  assert.equal(resolveBusOptions({ messageBytes: 1 << 20 }).messages, 100);
  assert.equal(resolveBusOptions({ messageBytes: 65536 }).messages, 1024);
});
