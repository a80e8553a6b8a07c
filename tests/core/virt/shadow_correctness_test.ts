import assert from "node:assert/strict";
import fc from "fast-check";
import { getProfile } from "../../../core/cost.ts";
import { createOsEventChunk, OsOp } from "../../../core/os/os_event.ts";
import { ALL_STRATEGIES, strategyName } from "../../../core/virt/shadow_strategies.ts";
import { buildVirtualMachine, type VmConfig } from "../../../core/virt/virtual_machine.ts";
import { CheckingPlatform } from "./_checking_platform.ts";

const cost = getProfile("intel-skylake-sp");
const VCPUS = 3;

/** One random command: a kind and three operands the driver maps onto a valid event. */
type Command = [number, number, number, number];

const command: fc.Arbitrary<Command> = fc.tuple(
  fc.integer({ min: 0, max: 15 }),
  fc.nat(1000),
  fc.nat(1000),
  fc.nat(1000),
);

/** Pages in four leaf tables, 48 pages each: reuse, batching and table-page sharing all happen. */
function page(n: number): number {
  return 0x10000 + (n % 4) * 512 + (Math.floor(n / 4) % 48);
}

/**
 * Drives a VM with a random but valid event stream, every call checked by a
 * {@linkcode CheckingPlatform}. Returns the checks made.
 */
function drive(config: VmConfig, commands: readonly Command[]): number {
  const vm = buildVirtualMachine({ ...config, vcpus: VCPUS }, cost);
  const check = new CheckingPlatform(vm);
  vm.os.attach(check);
  const os = vm.os;
  const access = createOsEventChunk(1);
  access.length = 1;
  const procs: number[] = [1];
  let nextPid = 2;
  os.event(OsOp.SPAWN, 0, 1, 0, 0);
  for (let v = 0; v < VCPUS; v++) os.event(OsOp.SWITCH, v, 1, 0, 0);
  for (const [kind, a, b, c] of commands) {
    const pid = procs[a % procs.length];
    const vcpu = b % VCPUS;
    if (kind <= 7) {
      const v = a % VCPUS;
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
      const pages = 1 + c % 40;
      check.unmapped(os.process(pid)!, page(a), pages);
      os.event(OsOp.MUNMAP, vcpu, pid, page(a), pages);
    } else {
      os.event(OsOp.SCAN, vcpu, pid, page(a) - page(a) % 512, 512);
    }
  }
  return check.checks;
}

const stream = fc.array(command, { minLength: 40, maxLength: 160 });

Deno.test("native and nested translations equal the guest's tables composed with the host map, and flags read are exact", () => {
  for (const mode of ["native", "nested"] as const) {
    fc.assert(
      fc.property(stream, fc.boolean(), (commands, pcid) => {
        assert.ok(drive({ mode, pcid }, commands) > 0);
      }),
      { numRuns: 20, seed: 11 },
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
          fc.boolean(),
          (commands, batch, pcid) => {
            drive({
              mode: "shadow",
              strategies: strategyName(mask).replaceAll("+", ","),
              batch,
              pcid,
            }, commands);
          },
        ),
        { numRuns: 6, seed: 1000 + mask },
      );
    });
  }
});
