import assert from "node:assert/strict";
import {
  copyEstimate,
  type PolicyInputs,
  policyThresholdBytes,
  remapEstimate,
} from "../../../core/bus/policy.ts";
import { getProfile } from "../../../core/cost/profiles.ts";
import { MAX_MESSAGE_BYTES } from "../../../core/bus/bus_params.ts";

const inputs: PolicyInputs = { vcpus: 1, receiverTouches: false, bufferPages: 4096, caches: true };

Deno.test("the threshold is where the remap estimate first falls to the copy estimate", () => {
  for (const profile of ["intel-skylake-sp", "amd-zen3"]) {
    const cost = getProfile(profile);
    for (const vcpus of [1, 2, 8]) {
      const i = { ...inputs, vcpus };
      const t = policyThresholdBytes(i, cost);
      const pages = (bytes: number) => Math.ceil(bytes / 4096);
      // Above the largest message: a remap never pays.
      if (t <= MAX_MESSAGE_BYTES) {
        assert.ok(
          remapEstimate(i, cost, pages(t)) <= copyEstimate(i, cost, t),
          `${profile} ${vcpus}`,
        );
      }
      // Every smaller size is cheaper copied.
      for (let b = 1; b < Math.min(t, MAX_MESSAGE_BYTES); b += 997) {
        assert.ok(remapEstimate(i, cost, pages(b)) > copyEstimate(i, cost, b), `${profile} ${b}`);
      }
    }
  }
});

Deno.test("more vCPUs to shoot down, or a receiver that reads the data, raise the threshold", () => {
  const cost = getProfile("intel-skylake-sp");
  const base = policyThresholdBytes(inputs, cost);
  assert.ok(policyThresholdBytes({ ...inputs, vcpus: 8 }, cost) > base);
  assert.ok(policyThresholdBytes({ ...inputs, receiverTouches: true }, cost) > base);
});
