// Random interleavings of a writer and a reader driving a ring with the
// signalling rules step by step — one shared-memory operation per step, in
// an order a scheduler draws — must never strand a packet: once both are
// idle, the reader has taken everything, in order. A reader that unmasks
// and halts without looking again is caught.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Ring } from "../../../core/bus/ring.ts";
import {
  readerBegins,
  readerEnds,
  readerMustSignalSpace,
  writerMustSignal,
} from "../../../core/bus/signalling.ts";
import type { Signalling } from "../../../core/bus/bus_params.ts";

interface Outcome {
  taken: number[];
  sent: number;
}

/** Runs `messages` packets through a ring under `schedule` (true: the writer steps). */
function interleave(
  mode: Signalling,
  messages: number,
  schedule: readonly boolean[],
  broken: boolean,
  ringBytes = 4096,
): Outcome {
  const ring = new Ring(ringBytes);
  const taken: number[] = [];
  // Writer.
  let sent = 0;
  let wPhase: "put" | "publish" | "check" | "recheck" | "blocked" | "done" = "put";
  let oldWrite = 0;
  let oldPublished = 0;
  let wIrq = false;
  // Reader.
  let rPhase: "halted" | "begin" | "check" | "take" | "end" | "recheck" = "halted";
  let rIrq = false;
  const packet = 200;
  const writerStep = () => {
    switch (wPhase) {
      case "put":
        if (sent === messages) wPhase = "done";
        else if (!ring.fits(packet)) {
          ring.pendingSendSz = packet;
          wPhase = "recheck";
        } else {
          ring.put(sent++, packet);
          wPhase = "publish";
        }
        break;
      case "publish":
        oldPublished = ring.published;
        oldWrite = ring.publish();
        wPhase = "check";
        break;
      case "check":
        if (writerMustSignal(mode, ring, oldWrite, oldPublished)) rIrq = true;
        wPhase = "put";
        break;
      case "recheck":
        if (ring.fits(packet)) {
          ring.pendingSendSz = 0;
          wPhase = "put";
        } else wPhase = "blocked";
        break;
      case "blocked":
        if (wIrq) {
          wIrq = false;
          wPhase = "recheck";
        }
        break;
    }
  };
  const readerStep = () => {
    switch (rPhase) {
      case "halted":
        if (rIrq) {
          rIrq = false;
          rPhase = "begin";
        }
        break;
      case "begin":
        readerBegins(mode, ring);
        rPhase = "check";
        break;
      case "check":
        rPhase = ring.available() ? "take" : "end";
        break;
      case "take": {
        taken.push(ring.take());
        const before = ring.advance();
        if (readerMustSignalSpace(ring, before)) wIrq = true;
        rPhase = "check";
        break;
      }
      case "end":
        if (readerEnds(mode, ring) && !broken) rPhase = "recheck";
        else if (rIrq) {
          rIrq = false;
          rPhase = "begin";
        } else rPhase = "halted";
        break;
      case "recheck":
        if (ring.available()) rPhase = "begin";
        else if (rIrq) {
          rIrq = false;
          rPhase = "begin";
        } else rPhase = "halted";
        break;
    }
  };
  const writerIdle = () => wPhase === "done" || (wPhase === "blocked" && !wIrq);
  const readerIdle = () => rPhase === "halted" && !rIrq;
  for (let i = 0; i < 100_000 && !(writerIdle() && readerIdle()); i++) {
    const writer = i < schedule.length ? schedule[i] : i % 2 === 0;
    if (writer && !writerIdle()) writerStep();
    else if (!readerIdle()) readerStep();
    else writerStep();
  }
  return { taken, sent };
}

const schedules = fc.array(fc.boolean(), { minLength: 0, maxLength: 400 });

for (const mode of ["vmbus", "event-idx", "every"] as const) {
  Deno.test(`${mode}: no interleaving strands, repeats or reorders a packet`, () => {
    fc.assert(
      fc.property(schedules, fc.integer({ min: 1, max: 40 }), (schedule, messages) => {
        const { taken, sent } = interleave(mode, messages, schedule, false);
        assert.equal(sent, messages);
        assert.deepEqual(taken, Array.from({ length: messages }, (_, i) => i));
      }),
      { numRuns: 500 },
    );
  });
}

Deno.test("a full ring: the writer registers the space it needs and is woken when it frees", () => {
  fc.assert(
    fc.property(schedules, (schedule) => {
      const { taken } = interleave("vmbus", 30, schedule, false, 1024);
      assert.equal(taken.length, 30);
    }),
    { numRuns: 500 },
  );
});

for (const mode of ["vmbus", "event-idx"] as const) {
  Deno.test(`${mode}: a reader that halts without looking again after unmasking loses a wake-up`, () => {
    const result = fc.check(
      fc.property(schedules, fc.integer({ min: 1, max: 40 }), (schedule, messages) => {
        const { taken } = interleave(mode, messages, schedule, true);
        return taken.length === messages;
      }),
      { numRuns: 2000, seed: 15 },
    );
    assert.ok(result.failed, "random interleavings find the lost wake-up");
  });
}
