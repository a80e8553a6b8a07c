import assert from "node:assert/strict";
import fc from "fast-check";
import { buildMachine } from "../../../core/machine/build_machine.ts";
import type { MachineConfig } from "../../../core/machine/machine_config.ts";
import { HOST_POLICIES, type HostPolicy } from "../../../core/mapping/memory_config.ts";
import { createOsEventChunk, OsOp } from "../../../core/os/os_event.ts";
import { ALL_STRATEGIES, strategyName } from "../../../core/platforms/shadow/shadow_config.ts";
import { TEST_PROFILE } from "../../_test_profile.ts";
import { CheckingPlatform } from "./_checking_platform.ts";

/** One random command: a kind and three operands the driver maps onto a valid event. */
type Command = [number, number, number, number];

const command: fc.Arbitrary<Command> = fc.tuple(
  fc.integer({ min: 0, max: 16 }),
  fc.nat(1000),
  fc.nat(1000),
  fc.nat(1000),
);

/**
 * Pages in four 2M regions, 48 pages each: reuse, batching, table-page
 * sharing, large pages and their partial unmaps all happen.
 */
function page(n: number): number {
  return 0x10000 + (n % 4) * 512 + (Math.floor(n / 4) % 48);
}

/**
 * Drives a guest-OS machine with a random but valid event stream, every call
 * checked by a {@linkcode CheckingPlatform}; now and then the hypervisor
 * runs its promotion pass or splits its large pages. Returns the checks made.
 */
function drive(config: MachineConfig, commands: readonly Command[]): number {
  const vcpus = config.vcpus ?? 1;
  const machine = buildMachine({ ...config, guest: "os" }, TEST_PROFILE);
  const check = new CheckingPlatform(machine);
  const os = machine.os!;
  os.attach(check);
  const access = createOsEventChunk(1);
  access.length = 1;
  const procs: number[] = [1];
  let nextPid = 2;
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  for (let v = 0; v < vcpus; v++) os.event(OsOp.SWITCH, v, 1, 0, 0);
  for (const [kind, a, b, c] of commands) {
    const pid = procs[a % procs.length];
    const vcpu = b % vcpus;
    if (kind <= 7) {
      const v = a % vcpus;
      if (!os.running(v)) os.event(OsOp.SWITCH, v, procs[c % procs.length], 0, 0);
      access.vcpu[0] = v;
      access.vpn[0] = page(b);
      access.kind[0] = c & 1;
      os.run(access);
    } else if (kind === 8) {
      os.event(OsOp.SWITCH, vcpu, c % 4 === 0 ? -1 : pid, 0, 0);
    } else if (kind === 9 && procs.length < 6) {
      const child = nextPid++;
      os.event(OsOp.FORK, vcpu, pid, 0, child);
      procs.push(child);
      check.forked(os.process(pid)!, os.process(child)!);
    } else if (kind === 10 && procs.length > 1) {
      os.event(OsOp.EXIT, vcpu, pid, 0, 0);
      procs.splice(procs.indexOf(pid), 1);
    } else if (kind === 11) {
      os.event(OsOp.EXEC, vcpu, pid, 0, 0);
    } else if (kind <= 13) {
      // Now and then a whole 2M region, else a few pages.
      const whole = c % 5 === 0;
      const pages = whole ? 512 : 1 + c % 40;
      const first = whole ? page(a) - page(a) % 512 : page(a);
      check.unmapped4k(os.process(pid)!, first, pages);
      os.event(OsOp.MUNMAP, vcpu, pid, first, pages);
    } else if (kind <= 15) {
      os.event(OsOp.SCAN, vcpu, pid, page(a) - page(a) % 512, 512);
    } else if (c % 3 === 0 && machine.hostTable !== null) {
      // The hypervisor splits every host large page (dirty logging starts): translations stay.
      machine.splitHostPages(0, 1 << 16);
    } else if (machine.memory !== null) {
      // The hypervisor's promotion agent, once round guest memory, after the other tenants left.
      if (c % 2 === 0) machine.memory.releaseTenants();
      check.promote(() => machine.promoteAll(), procs.map((p) => os.process(p)!));
    }
  }
  return check.checks;
}

const stream = fc.array(command, { minLength: 40, maxLength: 160 });

/** Page sizes, as fixed sizes or as large-page memory. */
const pageSetup: fc.Arbitrary<Partial<MachineConfig>> = fc.oneof(
  fc.record({
    guestPage: fc.constantFrom("4k" as const, "2m" as const, "1g" as const),
    hostPage: fc.constantFrom("4k" as const, "2m" as const, "1g" as const),
  }),
  fc.record({
    memory: fc.record({
      hostPolicy: fc.constantFrom<HostPolicy>(...HOST_POLICIES),
      fragmentation: fc.constantFrom(0, 0.5, 1),
      guestLargeFraction: fc.constantFrom(0, 0.5, 1),
      guestFragmentation: fc.constantFrom(0, 0.5),
      guestMemoryMib: fc.constant(64),
      hostMemoryMib: fc.constant(256),
    }),
  }),
);

/** Everything else a machine can vary. */
const machineSetup = fc.record({
  vcpus: fc.integer({ min: 1, max: 4 }),
  levels: fc.constantFrom<4 | 5>(4, 5),
  pcid: fc.boolean(),
  walkCache: fc.boolean(),
  pteCache: fc.boolean(),
  nestedTlb: fc.boolean(),
  tlb: fc.constantFrom(
    {},
    {
      l1_4k: { entries: 8, ways: 2 },
      l1_2m: { entries: 4, ways: 2 },
      l2: { entries: 16, ways: 4 },
    },
  ),
});

/** A configuration for `platform`, dropping what the platform has not. */
function forPlatform(
  platform: "native" | "nested" | "shadow",
  pages: Partial<MachineConfig>,
  rest: Partial<MachineConfig>,
): MachineConfig {
  const config: MachineConfig = { platform, ...rest, ...pages };
  if (platform !== "nested") delete config.nestedTlb;
  if (platform === "native") {
    delete config.hostPage;
    if (config.memory !== undefined) {
      const { guestLargeFraction, guestFragmentation, guestMemoryMib } = config.memory;
      config.memory = { guestLargeFraction, guestFragmentation, guestMemoryMib };
    }
  }
  return config;
}

Deno.test("native and nested translations equal guest ∘ host, and flags read are exact, for any page sizes, vCPUs, depth and caches", () => {
  for (const platform of ["native", "nested"] as const) {
    fc.assert(
      fc.property(stream, pageSetup, machineSetup, (commands, pages, rest) => {
        assert.ok(drive(forPlatform(platform, pages, rest), commands) > 0);
      }),
      { numRuns: 40, seed: 11 },
    );
  }
});

Deno.test("every combination of shadow strategies keeps shadow translations equal to guest ∘ host and guest-visible flags exact", async (t) => {
  for (let mask = 0; mask <= ALL_STRATEGIES; mask++) {
    await t.step(strategyName(mask), () => {
      fc.assert(
        fc.property(
          stream,
          fc.constantFrom(1, 8, 64, 512),
          pageSetup,
          machineSetup,
          (commands, batch, pages, rest) => {
            const config = forPlatform("shadow", pages, rest);
            config.shadow = { strategies: strategyName(mask).replaceAll("+", ","), batch };
            drive(config, commands);
          },
        ),
        { numRuns: 6, seed: 1000 + mask },
      );
    });
  }
});
