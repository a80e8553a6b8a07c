import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind, createAccessChunk } from "../../../core/base/access_chunk.ts";
import { createOsEventChunk, OsOp } from "../../../core/os/os_event.ts";
import { EVENTS_PER_TRACE_ACCESS, TraceProcesses } from "../../../core/os/trace_processes.ts";

/** An event as [op, vcpu, pid, vpn, arg, kind] (vpn, arg and kind 0 unless an access). */
type Event = [number, number, number, number, number, number];

/** The slow, obviously correct conversion: a set of spawned pids, a map of what each vCPU runs. */
function reference(
  accesses: readonly [number, number, number, number][],
  vcpus: number,
): Event[] {
  const spawned = new Set<number>();
  const running = new Map<number, number>();
  const events: Event[] = [];
  for (const [space, vpn, offset, kind] of accesses) {
    const pid = space + 1;
    const vcpu = space % vcpus;
    if (!spawned.has(pid)) {
      spawned.add(pid);
      events.push([OsOp.SPAWN, vcpu, pid, 0, 0, 0]);
    }
    if (running.get(vcpu) !== pid) {
      running.set(vcpu, pid);
      events.push([OsOp.SWITCH, vcpu, pid, 0, 0, 0]);
    }
    const write = kind === AccessKind.STORE || kind === AccessKind.MODIFY ? 1 : 0;
    events.push([OsOp.ACCESS, vcpu, pid, vpn, offset, write]);
  }
  return events;
}

/** The fast conversion over chunks of `capacity` accesses. */
function fast(
  accesses: readonly [number, number, number, number][],
  vcpus: number,
  capacity: number,
): Event[] {
  const processes = new TraceProcesses(vcpus);
  const chunk = createAccessChunk(capacity);
  const out = createOsEventChunk(EVENTS_PER_TRACE_ACCESS * capacity);
  const events: Event[] = [];
  for (let at = 0; at < accesses.length; at += capacity) {
    const part = accesses.slice(at, at + capacity);
    part.forEach(([space, vpn, offset, kind], i) => {
      chunk.space[i] = space;
      chunk.vpn[i] = vpn;
      chunk.offset[i] = offset;
      chunk.kind[i] = kind;
      chunk.size[i] = 1;
    });
    chunk.length = part.length;
    processes.convert(chunk, out);
    for (let i = 0; i < out.length; i++) {
      const access = out.op[i] === OsOp.ACCESS;
      events.push([
        out.op[i],
        out.vcpu[i],
        out.pid[i],
        access ? out.vpn[i] : 0,
        access ? out.arg[i] : 0,
        access ? out.kind[i] : 0,
      ]);
    }
  }
  assert.equal(processes.processes, new Set(accesses.map((a) => a[0])).size);
  return events;
}

Deno.test("TraceProcesses spawns each process once, on vCPU space mod vcpus, switching only on a change", () => {
  const accesses: [number, number, number, number][] = [
    [0, 0x100, 8, AccessKind.LOAD],
    [1, 0x100, 0, AccessKind.STORE],
    [2, 0x200, 0, AccessKind.MODIFY],
    [0, 0x101, 16, AccessKind.IFETCH],
    [2, 0x200, 8, AccessKind.LOAD],
  ];
  assert.deepEqual(fast(accesses, 2, 8), [
    [OsOp.SPAWN, 0, 1, 0, 0, 0],
    [OsOp.SWITCH, 0, 1, 0, 0, 0],
    [OsOp.ACCESS, 0, 1, 0x100, 8, 0],
    [OsOp.SPAWN, 1, 2, 0, 0, 0],
    [OsOp.SWITCH, 1, 2, 0, 0, 0],
    [OsOp.ACCESS, 1, 2, 0x100, 0, 1],
    [OsOp.SPAWN, 0, 3, 0, 0, 0],
    [OsOp.SWITCH, 0, 3, 0, 0, 0],
    [OsOp.ACCESS, 0, 3, 0x200, 0, 1],
    [OsOp.SWITCH, 0, 1, 0, 0, 0],
    [OsOp.ACCESS, 0, 1, 0x101, 16, 0],
    [OsOp.SWITCH, 0, 3, 0, 0, 0],
    [OsOp.ACCESS, 0, 3, 0x200, 8, 0],
  ]);
});

Deno.test("TraceProcesses agrees with the reference on random streams, vCPUs and chunk sizes", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 65535 })),
          fc.integer({ min: 0, max: 2 ** 40 }),
          fc.integer({ min: 0, max: 4095 }),
          fc.integer({ min: 0, max: 3 }),
        ),
        { maxLength: 80 },
      ),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 20 }),
      (accesses, vcpus, capacity) => {
        assert.deepEqual(fast(accesses, vcpus, capacity), reference(accesses, vcpus));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("TraceProcesses refuses an event chunk too small for a chunk's accesses", () => {
  const chunk = createAccessChunk(4);
  chunk.length = 4;
  assert.throws(() => new TraceProcesses(1).convert(chunk, createOsEventChunk(11)), RangeError);
});
