// One benchmark configuration: a name, the operations one timed call does,
// and a setup that builds its state untimed and returns what mitata times.
// bench/mod.ts runs each case in a fresh Worker (STYLE.md, point 13): the
// model's call sites see one configuration only, as in a sweep's cell.

/** What a case's setup hands to mitata: a call timed on state built once. */
export interface RepeatedBody {
  /** One timed call; its result is kept alive with `do_not_optimize`. */
  run(): unknown;
}

/**
 * What a case's setup hands to mitata when every sample needs fresh state
 * (a cold run that changes the machine it runs on): `fresh` builds it,
 * untimed, and `run` is timed on it.
 */
export interface FreshBody<S> {
  /** Builds the state of one sample, untimed (mitata's computed parameter). */
  fresh(): S;
  /** One timed call on that state. */
  run(state: S): unknown;
  /** Samples to take after one untimed warm-up call (default 3). */
  samples?: number;
}

/** A benchmark configuration. */
export interface BenchCase {
  /** Name in the table and the JSON summary, unique across bench/. */
  name: string;
  /** The `deno task sim` command whose run the case times, when it times one. */
  command?: string;
  /** Operations one timed call performs, to turn mitata's times into rates. */
  ops: number;
  /** What an operation is: `accesses`, `lines`, `events`, `pages`, `touches`, `operations`. */
  unit: string;
  /** A target rate in operations per second, when an issue sets one. */
  target?: number;
  /** Builds the case's state, untimed, inside its Worker. */
  setup(): RepeatedBody | FreshBody<unknown>;
}

/** A module of cases, as bench/mod.ts and its Workers load it. */
export interface BenchModule {
  /** The module's cases, in the order they run. */
  CASES: readonly BenchCase[];
}
