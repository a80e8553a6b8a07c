import assert from "node:assert/strict";
import {
  createProgress,
  formatDuration,
  formatRate,
  type ProgressStream,
} from "../../../experiments/sweep/progress.ts";

function stream(terminal: boolean): ProgressStream & { text: () => string } {
  let text = "";
  return {
    writeSync(bytes: Uint8Array): number {
      text += new TextDecoder().decode(bytes);
      return bytes.length;
    },
    isTerminal: () => terminal,
    text: () => text,
  };
}

Deno.test("formatDuration() writes m:ss and h:mm:ss", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(59.6), "1:00");
  assert.equal(formatDuration(75), "1:15");
  assert.equal(formatDuration(3725), "1:02:05");
});

Deno.test("formatRate() writes points per second, or seconds per point below one a second", () => {
  assert.equal(formatRate(30, 4), "7.5 points/s");
  assert.equal(formatRate(1, 1), "1.0 points/s");
  assert.equal(formatRate(2, 5), "2.5 s/point");
  assert.equal(formatRate(0, 3), "– points/s");
  assert.equal(formatRate(3, 0), "– points/s");
});

Deno.test("createProgress() writes one plain line per point, with rate and time left, when stderr is not a terminal", () => {
  const out = stream(false);
  let now = 0;
  const progress = createProgress({ stream: out, color: true, now: () => now });
  progress.start("demo", 4, 1);
  now = 2000;
  progress.advance("x=1", 1500);
  now = 2500;
  progress.advance("x=2", 20);
  now = 3000;
  progress.advance("x=3", 20);
  progress.finish();
  assert.equal(
    out.text(),
    "demo: 4 points (1 already done, resuming)\n" +
      "demo 2/4 x=1 (1.50 s) · 2.0 s/point · 0:04 left\n" +
      "demo 3/4 x=2 (0.02 s) · 1.3 s/point · 0:01 left\n" +
      "demo 4/4 x=3 (0.02 s) · 1.0 points/s · 0:00 left\n",
    "the resumed point counts in done/total but not in the rate",
  );
  assert.equal(out.text().includes("\x1b"), false, "no escape codes when not a terminal");
});

Deno.test("createProgress() redraws a bar on a terminal at most every 250 ms, with counts, rate and time left", () => {
  const out = stream(true);
  let now = 0;
  const progress = createProgress({ stream: out, color: false, now: () => now });
  progress.start("demo", 4, 0);
  now = 100;
  progress.advance("x=1", 100); // within 250 ms of the first draw: not redrawn
  now = 400;
  progress.advance("x=2", 100);
  now = 450;
  progress.advance("x=3", 50); // throttled
  now = 600;
  progress.advance("x=4", 50); // the last point always draws
  progress.finish();
  const frames = out.text().split("\r\x1b[2K").filter((f) => f !== "");
  assert.equal(frames.length, 3, JSON.stringify(frames));
  assert.match(frames[0], /^demo ░{28} 0\/4 · 0:00 · – points\/s · –:–– left$/);
  assert.match(frames[1], /^demo █{14}░{14} 2\/4 · 0:00 · 5\.0 points\/s · 0:00 left$/);
  assert.match(frames[2], /^demo █{28} 4\/4 /);
  assert.ok(out.text().endsWith("\r\x1b[2K"), "the bar is cleared at the end");
  assert.equal(out.text().includes("\x1b[3"), false, "no colour when colour is off");
});

Deno.test("createProgress() colours the bar only when colour is on", () => {
  const out = stream(true);
  const progress = createProgress({ stream: out, color: true, now: () => 0 });
  progress.start("demo", 1, 0);
  progress.finish();
  assert.ok(out.text().includes("\x1b[36m"));
});
