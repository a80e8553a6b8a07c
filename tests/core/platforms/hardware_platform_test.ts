import assert from "node:assert/strict";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import { OsOp } from "../../../core/os/os_event.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";

const BASE = 0x10000;

Deno.test("INVLPG of a guest 2M page drops every 4K piece the TLBs cached of it, on every vCPU", () => {
  for (const platform of ["nested", "shadow"] as const) {
    const machine = buildMachine({
      platform,
      guest: "os",
      vcpus: 2,
      guestPage: "2m",
      hostPage: "4k",
      ...(platform === "shadow" ? { shadow: { strategies: "all" } } : {}),
    }, TEST_PROFILE);
    const os = machine.os!;
    os.event(OsOp.SPAWN, 0, 1, 0, 0);
    os.event(OsOp.SWITCH, 0, 1, 0, 0);
    os.event(OsOp.SWITCH, 1, 1, 0, 0);
    const compose = (vpn: number) =>
      machine.hostTable!.translate(os.process(1)!.table.translate(vpn));
    for (let p = 0; p < 8; p++) {
      machine.vcpus[0].access(BASE + p, 1);
      machine.vcpus[1].access(BASE + p, 0);
    }
    const before = compose(BASE + 5);
    os.event(OsOp.MUNMAP, 0, 1, BASE, 512);
    for (let p = 0; p < 8; p++) {
      for (const vcpu of machine.vcpus) {
        const frame = vcpu.access(BASE + p, 0);
        assert.equal(frame, compose(BASE + p), `${platform}: vCPU ${vcpu.id} page ${p}`);
      }
    }
    assert.notEqual(compose(BASE + 5), before, "a new page after the unmap");
  }
});
