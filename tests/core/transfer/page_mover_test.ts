import assert from "node:assert/strict";
import fc from "fast-check";
import { type ClockAgent, EventClock } from "../../../core/clock/event_clock.ts";
import {
  Background,
  type MoverBatch,
  PageMover,
  type PageMoverClient,
} from "../../../core/transfer/page_mover.ts";
import { NetworkLink } from "../../../core/transfer/network_link.ts";
import { StorageDevice } from "../../../core/transfer/storage_device.ts";
import { STORAGE_PROFILES } from "../../../core/transfer/storage_profile.ts";
import { LINK_PROFILES } from "../../../core/transfer/link_profile.ts";
import type { Transport } from "../../../core/transfer/transport.ts";

/** One arrival as a client saw it. */
type Arrival = [time: number, key: number, pages: number[], bytes: number];

/** What the scenario asks of a mover. */
interface Scenario {
  pages: number;
  batch: number;
  depth: number;
  share: number;
  stateBytes: number;
  requests: [time: number, page: number][];
  transport: "storage" | "link";
  write: boolean;
}

/** The interface both movers offer the test client. */
interface Mover {
  pump(now: number): void;
  request(key: number, now: number): void;
  send(bytes: number, key: number, offset?: number): void;
  pace(share: number): void;
}

/**
 * Slow reference of the page mover, straight from its description: arrays,
 * a scan for a free slot, payloads first, then urgent requests in the order
 * asked (a key waiting is not queued twice), then background batches, paced
 * ones no sooner than their share of the bandwidth allows.
 */
class ReferenceMover implements ClockAgent, Mover {
  busy: boolean[];
  batches: MoverBatch[];
  urgent: number[] = [];
  payloads: { bytes: number; key: number; offset: number }[] = [];
  appendAt = 0;
  nextPaced = 0;
  cyclesPerByte = 0;
  timerAt = Infinity;
  id: number;

  constructor(
    public clock: EventClock,
    public client: PageMoverClient,
    public transport: Transport,
    depth: number,
    batch: number,
    public write: boolean,
  ) {
    this.busy = Array(depth).fill(false);
    this.batches = Array.from({ length: depth }, () => ({
      pages: new Uint32Array(batch),
      count: 0,
      bytes: 0,
      offset: -1,
      key: -1,
      paced: false,
    }));
    this.id = clock.addAgent(this);
  }

  pace(share: number): void {
    this.cyclesPerByte = share < 1 ? 1 / (this.transport.bytesPerCycle(this.write) * share) : 0;
  }

  send(bytes: number, key: number, offset = -1): void {
    if (bytes > 0) this.payloads.push({ bytes, key, offset });
  }

  request(key: number, now: number): void {
    if (!this.urgent.includes(key)) this.urgent.push(key);
    this.pump(now);
  }

  pump(now: number): void {
    for (;;) {
      // The free slot the fast mover takes: the one freed last, else the lowest.
      const free = this.freeOrder.filter((s) => !this.busy[s]);
      if (free.length === 0) return;
      const slot = free[free.length - 1];
      const b = this.batches[slot];
      b.count = 0;
      b.bytes = 0;
      b.offset = -1;
      b.key = -1;
      b.paced = false;
      if (this.payloads.length > 0) {
        const p = this.payloads.shift()!;
        b.bytes = p.bytes;
        b.key = p.key;
        b.offset = p.offset;
      } else if (this.urgent.length > 0) {
        b.key = this.urgent.shift()!;
        if (!this.client.fillUrgent(b.key, b, now)) continue;
      } else {
        const allowed = now >= this.nextPaced;
        const answer = this.client.fillBackground(b, now, allowed);
        if (answer === Background.NONE) return;
        if (answer === Background.WAIT) {
          if (this.nextPaced < this.timerAt) {
            this.timerAt = this.nextPaced;
            this.clock.schedule(this.nextPaced, this.id, -1);
          }
          return;
        }
        if (b.paced && this.cyclesPerByte > 0) {
          this.nextPaced = now + Math.ceil(b.bytes * this.cyclesPerByte);
        }
      }
      this.busy[slot] = true;
      this.freeOrder = this.freeOrder.filter((s) => s !== slot).concat([slot]);
      if (b.offset < 0) b.offset = this.appendAt;
      this.appendAt = b.offset + b.bytes;
      this.clock.schedule(
        this.transport.submit(now, b.bytes, b.count, b.offset, this.write),
        this.id,
        slot,
      );
    }
  }

  // Slots in the order the fast mover's free stack hands them out: last element first.
  freeOrder: number[] = [];

  init(): this {
    this.freeOrder = this.busy.map((_, i) => this.busy.length - 1 - i);
    return this;
  }

  wake(sim: EventClock, tag: number): void {
    if (tag < 0) {
      if (sim.now >= this.timerAt) this.timerAt = Infinity;
      this.pump(sim.now);
      return;
    }
    this.busy[tag] = false;
    this.freeOrder = this.freeOrder.filter((s) => s !== tag).concat([tag]);
    this.client.arrived(this.batches[tag], sim.now);
    this.pump(sim.now);
  }
}

/** The client of the scenario: pages 0..n-1 in order, urgent single pages, a log of arrivals. */
class TestClient implements PageMoverClient {
  state: Uint8Array;
  next = 0;
  log: Arrival[] = [];
  mover!: Mover;
  constructor(public s: Scenario) {
    this.state = new Uint8Array(s.pages);
  }
  fillUrgent(key: number, batch: MoverBatch): boolean {
    if (this.state[key] !== 0) return false;
    this.state[key] = 1;
    batch.pages[batch.count++] = key;
    batch.bytes = 4096;
    return true;
  }
  fillBackground(batch: MoverBatch, _now: number, allowed: boolean): Background {
    while (this.next < this.s.pages && this.state[this.next] !== 0) this.next++;
    if (this.next >= this.s.pages) return Background.NONE;
    // The first quarter of the pages is not paced (a saver's buffered copies), the rest is.
    const paced = this.next >= this.s.pages / 4;
    if (paced && !allowed) return Background.WAIT;
    while (batch.count < this.s.batch && this.next < this.s.pages) {
      if (this.state[this.next] === 0) {
        this.state[this.next] = 1;
        batch.pages[batch.count++] = this.next;
      }
      this.next++;
    }
    batch.bytes = batch.count * 4096;
    batch.paced = paced;
    return Background.FILLED;
  }
  arrived(batch: MoverBatch, now: number): void {
    this.log.push([now, batch.key, Array.from(batch.pages.subarray(0, batch.count)), batch.bytes]);
  }
}

function transportOf(s: Scenario): Transport {
  return s.transport === "storage"
    ? new StorageDevice(STORAGE_PROFILES["sata-ssd"], 2)
    : new NetworkLink(LINK_PROFILES["10gbe"], 2);
}

/** Runs the scenario on the fast mover or the reference; returns the arrivals. */
function play(s: Scenario, reference: boolean): Arrival[] {
  const sim = new EventClock();
  const client = new TestClient(s);
  // The driver asks for pages at their times (agent 0, so it goes first at ties).
  const driver: ClockAgent = { wake: (c, tag) => client.mover.request(s.requests[tag][1], c.now) };
  sim.addAgent(driver);
  const transport = transportOf(s);
  const mover: Mover = reference
    ? new ReferenceMover(sim, client, transport, s.depth, s.batch, s.write).init()
    : new PageMover(sim, client, {
      transport,
      queueDepth: s.depth,
      batchPages: s.batch,
      write: s.write,
      keys: s.pages,
    });
  client.mover = mover;
  mover.pace(s.share);
  mover.send(s.stateBytes, -1);
  s.requests.forEach(([t], i) => sim.schedule(t, 0, i));
  mover.pump(0);
  sim.run();
  return client.log;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  pages: fc.integer({ min: 1, max: 200 }),
  batch: fc.integer({ min: 1, max: 16 }),
  depth: fc.integer({ min: 1, max: 4 }),
  share: fc.constantFrom(1, 0.5, 0.1),
  stateBytes: fc.constantFrom(0, 4096, 100000),
  requests: fc.array(fc.tuple(fc.integer({ min: 0, max: 2_000_000 }), fc.nat()), {
    maxLength: 30,
  }),
  transport: fc.constantFrom("storage" as const, "link" as const),
  write: fc.boolean(),
}).map((s) => ({ ...s, requests: s.requests.map(([t, p]) => [t, p % s.pages]) }));

Deno.test("PageMover agrees with a slow reference on random scenarios", () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const fast = play(s, false);
      assert.deepEqual(fast, play(s, true));
      // Every page arrives exactly once, the payload first.
      const seen = fast.flatMap((a) => a[2]).sort((a, b) => a - b);
      assert.deepEqual(seen, Array.from({ length: s.pages }, (_, i) => i));
      if (s.stateBytes > 0) {
        assert.equal(fast.filter((a) => a[1] === -1 && a[2].length === 0).length, 1);
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("PageMover moves a payload, then urgent pages before the background", () => {
  const s: Scenario = {
    pages: 8,
    batch: 4,
    depth: 1,
    share: 1,
    stateBytes: 8192,
    requests: [[0, 6]],
    transport: "storage",
    write: true,
  };
  const log = play(s, false);
  assert.deepEqual(log.map((a) => a[2]), [[], [6], [0, 1, 2, 3], [4, 5, 7]]);
  assert.ok(log.every((a, i) => i === 0 || a[0] > log[i - 1][0]), "one at a time");
});

Deno.test("PageMover paces background batches to its share of the bandwidth", () => {
  const base: Scenario = {
    pages: 64,
    batch: 8,
    depth: 4,
    share: 1,
    stateBytes: 0,
    requests: [],
    transport: "storage",
    write: true,
  };
  const full = play(base, false);
  const quarter = play({ ...base, share: 0.25 }, false);
  const end = (log: Arrival[]) => log[log.length - 1][0];
  // At a quarter of the bandwidth, the 6 paced batches of 32 KiB take at least 4 × their transfer time.
  const transfer = Math.ceil(8 * 4096 * 2e9 / STORAGE_PROFILES["sata-ssd"].writeBytesPerSecond);
  assert.ok(end(quarter) >= 5 * 4 * transfer, `${end(quarter)}`);
  assert.ok(end(quarter) > 2 * end(full));
});

Deno.test("PageMover rejects a queue depth of 0", () => {
  assert.throws(
    () =>
      new PageMover(new EventClock(), new TestClient({} as Scenario), {
        transport: transportOf({ transport: "link" } as Scenario),
        queueDepth: 0,
        batchPages: 1,
        write: true,
        keys: 1,
      }),
    /queueDepth must be a positive integer/,
  );
});
