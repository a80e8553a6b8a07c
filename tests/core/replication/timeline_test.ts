import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type OutputFates,
  outputFates,
  type OutputTimeline,
  Stops,
} from "../../../core/replication/_timeline.ts";

// Stops drawn as sorted, disjoint [from, to) intervals of whole cycles.
const stopsArb = fc.array(
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 30 })),
  {
    maxLength: 12,
  },
).map((gaps) => {
  const stops = new Stops();
  let t = 0;
  for (const [gap, len] of gaps) {
    t += gap;
    stops.add(t, t + len);
    t += len;
  }
  return stops;
});

// The reference: walk the wall clock one cycle at a time.
function running(stops: Stops, t: number): boolean {
  for (let i = 0; i < stops.from.length; i++) {
    if (t >= stops.from[i] && t < stops.to[i]) return false;
  }
  return true;
}

Deno.test("guest run time between two instants: the cycles not inside a stop", () => {
  fc.assert(
    fc.property(
      stopsArb,
      fc.integer({ min: 0, max: 600 }),
      fc.integer({ min: 0, max: 600 }),
      (stops, x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        let want = 0;
        for (let t = a; t < b; t++) if (running(stops, t)) want++;
        assert.equal(stops.runTime(a, b), want);
      },
    ),
    { numRuns: 300 },
  );
});

// The reference for outputs: step the wall clock a cycle at a time, count
// guest run cycles, emit an output each `period` run cycles, and decide
// each one's release by scanning every checkpoint.
function referenceFates(t: OutputTimeline, period: number): OutputFates {
  const f: OutputFates = { outputs: 0, released: 0, delaySum: 0, delayMax: 0, releasedLost: 0 };
  let run = 0;
  for (let w = 0; w < t.end; w++) {
    if (!running(t.stops, w)) continue;
    run++;
    if (run % period !== 0) continue;
    // The output is made at the end of the run cycle that completes its period.
    const o = w + 1;
    if (o >= t.end) break;
    f.outputs++;
    let release = o;
    if (t.held) {
      release = Infinity;
      for (let k = 0; k < t.captures.length; k++) {
        if (t.captures[k] >= o) {
          if (t.acks[k] >= 0) release = t.acks[k];
          break;
        }
      }
      release = Math.min(release, Math.max(o, t.releaseAllFrom));
    }
    if (release >= t.end) continue;
    f.released++;
    f.delaySum += release - o;
    f.delayMax = Math.max(f.delayMax, release - o);
    if (t.recovered >= 0 && o > t.recovered) f.releasedLost++;
  }
  return f;
}

Deno.test("output fates agree with a cycle-by-cycle reference", () => {
  fc.assert(
    fc.property(
      stopsArb,
      fc.integer({ min: 1, max: 9 }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: -1, max: 80 })), {
        maxLength: 8,
      }),
      fc.boolean(),
      fc.integer({ min: 0, max: 700 }),
      fc.integer({ min: -1, max: 500 }),
      fc.integer({ min: 1, max: 700 }),
      (stops, period, cps, held, releaseAll, recovered, end) => {
        // Captures ascending; an acknowledgement after its capture, ascending too, or never (-1) from some point on.
        const captures: number[] = [];
        const acks: number[] = [];
        let t = 0;
        let lastAck = 0;
        let never = false;
        for (const [gap, lag] of cps) {
          t += gap;
          captures.push(t);
          never ||= lag < 0;
          const ack = never ? -1 : Math.max(t + lag, lastAck);
          if (ack >= 0) lastAck = ack;
          acks.push(ack);
        }
        const timeline: OutputTimeline = {
          perCycle: 1 / period,
          end,
          stops,
          held,
          captures,
          acks,
          releaseAllFrom: releaseAll === 0 ? Infinity : releaseAll,
          recovered,
        };
        assert.deepEqual(outputFates(timeline), referenceFates(timeline, period));
      },
    ),
    { numRuns: 400 },
  );
});
