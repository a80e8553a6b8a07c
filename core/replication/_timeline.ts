// What a replication run leaves behind to be measured (private to
// core/replication): when the guest was stopped, when each checkpoint was
// captured and acknowledged, and from that the guest's run time between two
// instants and the fate of every client-visible output.

/** The stretches of wall time the guest did not run, in order and disjoint. */
export class Stops {
  readonly from: number[] = [];
  readonly to: number[] = [];

  /** The guest stops from `from` to `to` (after every stop recorded so far). */
  add(from: number, to: number): void {
    if (to > from) {
      this.from.push(from);
      this.to.push(to);
    }
  }

  /** Guest run time from wall time 0 to `t`. */
  runTimeAt(t: number): number {
    let run = t;
    for (let i = 0; i < this.from.length && this.from[i] < t; i++) {
      run -= Math.min(t, this.to[i]) - this.from[i];
    }
    return run;
  }

  /** Guest run time from `a` to `b` (a ≤ b). */
  runTime(a: number, b: number): number {
    return this.runTimeAt(b) - this.runTimeAt(a);
  }
}

/** When each checkpoint was captured and acknowledged at the production host. */
export interface OutputTimeline {
  /** Outputs per cycle of guest run time. */
  perCycle: number;
  /** The production host stops producing (it failed, or the run ended). */
  end: number;
  /** The guest's stops. */
  stops: Stops;
  /** True when outputs are held until the checkpoint that covers them is acknowledged. */
  held: boolean;
  /** Capture instants, ascending. */
  captures: readonly number[];
  /** Acknowledgement of each capture at the production host (-1: never). */
  acks: readonly number[];
  /** From this instant on nothing is held: replication stopped (Infinity: never). */
  releaseAllFrom: number;
  /** Capture instant of the checkpoint the backup recovered (-1: no failover). */
  recovered: number;
}

/** What became of the outputs. */
export interface OutputFates {
  /** Outputs produced. */
  outputs: number;
  /** Outputs released to clients before `end`. */
  released: number;
  /** Summed delay of the released outputs (cycles). */
  delaySum: number;
  /** Longest delay of a released output (cycles). */
  delayMax: number;
  /** Released outputs that depend on state later than the recovered capture. */
  releasedLost: number;
}

/**
 * The fate of every output: the guest produces one every 1 / perCycle
 * cycles of its run time, each depending on the state at its instant; a
 * held output goes out when the first checkpoint captured at or after it is
 * acknowledged, or once replication stops holding.
 */
export function outputFates(t: OutputTimeline): OutputFates {
  const fates: OutputFates = { outputs: 0, released: 0, delaySum: 0, delayMax: 0, releasedLost: 0 };
  if (t.perCycle <= 0) return fates;
  const step = 1 / t.perCycle;
  const { from, to } = t.stops;
  let stop = 0;
  let stopped = 0; // wall time lost to the stops before the current output
  let cover = 0;
  for (let j = 1;; j++) {
    let o = j * step + stopped;
    // An output made at the instant a stop begins is made before it.
    while (stop < from.length && from[stop] < o) {
      stopped += to[stop] - from[stop];
      o += to[stop] - from[stop];
      stop++;
    }
    if (o >= t.end) break;
    fates.outputs++;
    let release = o;
    if (t.held) {
      while (cover < t.captures.length && t.captures[cover] < o) cover++;
      release = cover < t.captures.length && t.acks[cover] >= 0 ? t.acks[cover] : Infinity;
      const all = t.releaseAllFrom > o ? t.releaseAllFrom : o;
      if (all < release) release = all;
    }
    if (release >= t.end) continue;
    fates.released++;
    const delay = release - o;
    fates.delaySum += delay;
    if (delay > fates.delayMax) fates.delayMax = delay;
    if (t.recovered >= 0 && o > t.recovered) fates.releasedLost++;
  }
  return fates;
}
