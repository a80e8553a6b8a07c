import assert from "node:assert/strict";
import { getProfile } from "../../../core/cost/profiles.ts";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { MachineConfig } from "../../../core/machine/machine_config.ts";
import { World } from "../../../core/machine/world.ts";
import { runAccesses } from "../../../core/workload/simulate.ts";
import { AccessKind } from "../../../core/base/access_chunk.ts";
import { createWorkload } from "../../../core/workload/workloads.ts";

const cost = getProfile("intel-skylake-sp");
const A: MachineConfig = { platform: "nested", vcpus: 2, guestPage: "2m" };
const B: MachineConfig = { platform: "shadow", shadow: { strategies: "all" }, levels: 5 };
const workA = () =>
  createWorkload("random", { accesses: 60_000, footprintBytes: 1 << 26, seed: 1 });
const workB = () => createWorkload("zipf", { accesses: 40_000, footprintBytes: 1 << 27, seed: 2 });

Deno.test("two machines on one clock run side by side, each as it runs alone", () => {
  const aloneA = buildMachine(A, cost);
  const endA = runAccesses(aloneA, workA());
  const aloneB = buildMachine(B, cost);
  const endB = runAccesses(aloneB, workB());
  const world = new World();
  const a = world.addMachine(A, cost);
  const b = world.addMachine(B, cost);
  world.start(a, workA());
  world.start(b, workB());
  // Halfway through the shorter run both machines have done part of their work: they interleave.
  world.run(Math.min(endA, endB) / 2);
  const partA = a.report().counters.accesses;
  const partB = b.report().counters.accesses;
  assert.ok(partA > 0 && partA < 60_000, `machine A ran ${partA} accesses by then`);
  assert.ok(partB > 0 && partB < 40_000, `machine B ran ${partB} accesses by then`);
  world.run();
  assert.deepEqual(a.report(), aloneA.report());
  assert.deepEqual(b.report(), aloneB.report());
  assert.ok(world.clock.now >= Math.max(endA, endB) - 1);
  assert.equal(world.hosts.length, 2, "each machine on a host of its own");
});

Deno.test("a machine's vCPUs each keep their own clock, TLBs and counters", () => {
  const machine = buildMachine({ platform: "nested", vcpus: 3 }, cost);
  const end = runAccesses(machine, workA());
  const per = machine.vcpus.map((v) => v.stats.counters[0]);
  assert.equal(per.reduce((x, y) => x + y, 0), 60_000);
  assert.ok(per.every((n) => n > 0), `every vCPU ran some chunks: ${per}`);
  assert.ok(machine.vcpus.every((v) => v.time <= end));
  assert.deepEqual(
    (() => {
      const again = buildMachine({ platform: "nested", vcpus: 3 }, cost);
      runAccesses(again, workA());
      return again.report();
    })(),
    machine.report(),
    "the same seed gives the same interleaving",
  );
});

Deno.test("partitions of one host share a page: both reach one frame, a store through one is seen by the other", () => {
  const world = new World();
  const host = world.addHost();
  const guest = world.addMachine({ platform: "nested" }, cost, host);
  const service = world.addMachine({ platform: "shadow" }, cost, host);
  const vpn = 0x10000;
  guest.vcpus[0].mmu.access(vpn, 0, 8, AccessKind.STORE, 0);
  const gfn = guest.guestTable!.translate(vpn);
  const frame = world.share(guest, gfn, service, 0x900);
  assert.equal(service.hostTable!.translate(0x900), frame);
  assert.equal(host.versions.of(frame), 1, "the guest's store is in the shared frame");
  assert.equal(guest.hostTable!.translate(gfn), frame, "sharing leaves the owner's mapping");
});

Deno.test("a page handed over leaves the giver: its cached translations go, and a new frame backs the page next time", () => {
  for (const platform of ["nested", "shadow"] as const) {
    const world = new World();
    const host = world.addHost({ mib: 256 });
    const config: MachineConfig = platform === "shadow"
      ? { platform, shadow: { strategies: "all" } }
      : { platform };
    const from = world.addMachine(config, cost, host);
    const to = world.addMachine({ platform: "nested" }, cost, host);
    const mmu = from.vcpus[0].mmu;
    const vpn = 0x10000;
    const frame = mmu.translate(vpn, 0);
    assert.equal(mmu.translate(vpn, 0), frame, "cached");
    const gfn = from.guestTable!.translate(vpn);
    assert.equal(world.handOver(from, gfn, to, 0x4000), frame);
    assert.equal(to.hostTable!.translate(0x4000), frame);
    assert.equal(from.hostTable!.translate(gfn), -1, `${platform}: the giver's mapping is gone`);
    const again = mmu.translate(vpn, 0);
    assert.notEqual(again, frame, `${platform}: no stale translation survives`);
    assert.equal(again, from.hostTable!.translate(gfn));
    assert.ok(from.report().cycles.hypervisor > 0, "the invalidation is charged");
  }
});

Deno.test("a page handed over out of a host 2M page splits it first; the rest stays mapped", () => {
  const world = new World();
  const host = world.addHost({ mib: 256 });
  const from = world.addMachine(
    { platform: "nested", memory: { hostPolicy: "opportunistic", guestMemoryMib: 64 } },
    cost,
    host,
  );
  const to = world.addMachine({ platform: "nested" }, cost, host);
  from.vcpus[0].mmu.translate(0x10000, 0);
  const gfn = from.guestTable!.translate(0x10000);
  from.hostTable!.translate(gfn);
  assert.equal(from.hostTable!.lastSize, 1, "backed by a host 2M page");
  const neighbour = from.hostTable!.translate(gfn ^ 1);
  world.handOver(from, gfn, to, 0x300);
  assert.equal(from.hostTable!.translate(gfn), -1);
  assert.equal(from.hostTable!.translate(gfn ^ 1), neighbour);
  assert.equal(from.memory!.report().host_pages_4k, 511);
});

Deno.test("pages copy between hosts with their contents; sharing across hosts or with a native machine is refused", () => {
  const world = new World();
  const a = world.addMachine({ platform: "nested" }, cost);
  const b = world.addMachine({ platform: "nested" }, cost);
  const native = world.addMachine({}, cost);
  const mmu = a.vcpus[0].mmu;
  for (let i = 0; i < 3; i++) mmu.access(0x10000, 0, 8, AccessKind.STORE, 0);
  const gfn = a.guestTable!.translate(0x10000);
  const target = world.copy(a, gfn, b, 0x77);
  assert.equal(b.hostMemory.versions.of(target), 3);
  assert.throws(() => world.share(a, gfn, b, 0x78), {
    name: "WorldError",
    message: "cannot share a page between two hosts: copy it instead",
  });
  assert.throws(() => world.handOver(native, 0x10, a, 0x79), {
    name: "WorldError",
    message: "cannot hand over a page with a native machine: it has no host map",
  });
  assert.throws(() => world.start(buildMachine({}, cost), workA()), {
    message: "the machine is not in this world",
  });
});

Deno.test("stores bump the version of the frame they land in only once a machine tracks versions", () => {
  const machine = buildMachine({ platform: "nested" }, cost);
  const mmu = machine.vcpus[0].mmu;
  mmu.access(0x10000, 0, 8, AccessKind.STORE, 0);
  const frame = mmu.translate(0x10000, 0);
  assert.equal(machine.hostMemory.versions.of(frame), 0);
  machine.trackVersions();
  mmu.access(0x10000, 4092, 8, AccessKind.STORE, 0); // straddles into the next page
  assert.equal(machine.hostMemory.versions.of(frame), 1);
  assert.equal(machine.hostMemory.versions.of(mmu.translate(0x10001, 0)), 1);
});

Deno.test("remap moves the frame and charges nothing; the giver's TLB keeps its entry until its translations are dropped", () => {
  const world = new World();
  const host = world.addHost();
  const from = world.addMachine({ platform: "nested", vcpus: 2 }, cost, host);
  const to = world.addMachine({ platform: "nested" }, cost, host, from);
  assert.equal(to.vcpus[0].mmu.caches!.llc, from.vcpus[0].mmu.caches!.llc, "one socket, one LLC");
  const mmu = from.vcpus[1].mmu;
  const vpn = 0x20000;
  const frame = mmu.translate(vpn, 0);
  const gfn = from.guestTable!.translate(vpn);
  const before = from.report().cycles.total;
  assert.equal(world.remap(from, gfn, to, 0x500), frame);
  assert.equal(from.report().cycles.total, before, "nothing charged");
  assert.equal(to.hostTable!.translate(0x500), frame);
  assert.equal(from.hostTable!.translate(gfn), -1);
  assert.ok(mmu.holds(vpn, 0), "stale until shot down");
  from.platform.unmapped(gfn);
  assert.ok(!mmu.holds(vpn, 0));
});
