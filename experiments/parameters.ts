/**
 * An experiment's parameters declared as data: each parameter's kind (a
 * choice among listed values, a string, a number or an integer with optional
 * bounds) and its description with the unit. The declaration gives the
 * experiment's typed point ({@linkcode PointOf}) and the check that turns a
 * generic point — JSON sent to a Worker, a row read back from disk — into
 * that type, once, with a one-line error naming the experiment and the
 * parameter.
 *
 * @module
 */

import type { Point, Value } from "./experiment.ts";

/** A parameter that takes one of a fixed list of values. */
export interface ChoiceParameter<V extends Value = Value> {
  /** Discriminant. */
  readonly kind: "choice";
  /** Every value the parameter may take. */
  readonly values: readonly V[];
  /** What the parameter means, with its unit where it has one. */
  readonly description: string;
}

/** A parameter that is any string: a name checked where it is used, or a path. */
export interface StringParameter {
  /** Discriminant. */
  readonly kind: "string";
  /** What the parameter means. */
  readonly description: string;
}

/** A finite number (`number`) or a whole number (`integer`), optionally bounded. */
export interface NumberParameter {
  /** Discriminant: `integer` also rejects fractions. */
  readonly kind: "number" | "integer";
  /** Smallest value allowed (inclusive). Default: no bound. */
  readonly min?: number;
  /** Largest value allowed (inclusive). Default: no bound. */
  readonly max?: number;
  /**
   * Whether a point may leave the parameter out (the run then says what
   * stands in for it, e.g. a trace's own length). Default false.
   */
  readonly optional?: boolean;
  /** What the parameter means, with its unit. */
  readonly description: string;
}

/** Any parameter declaration. */
export type ParameterSpec = ChoiceParameter | StringParameter | NumberParameter;

/** The parameters of an experiment, by name, in the order reports list them. */
export type ParameterSpecs = Readonly<Record<string, ParameterSpec>>;

/** The type of the values a parameter declaration allows. */
export type ValueOf<S extends ParameterSpec> = S extends ChoiceParameter<infer V> ? V
  : S extends NumberParameter ? number
  : string;

/** The names of the parameters of `S` a point may leave out. */
export type OptionalKeys<S extends ParameterSpecs> = {
  [K in keyof S]: S[K] extends { readonly optional: true } ? K : never;
}[keyof S];

/** The typed point of an experiment whose parameters are declared by `S`. */
export type PointOf<S extends ParameterSpecs> =
  & { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: ValueOf<S[K]> }
  & { readonly [K in OptionalKeys<S>]?: ValueOf<S[K]> };

/** A point that does not fit an experiment's parameters; the message is one line. */
export class PointError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "PointError";
  }
}

/** A value as a message shows it: strings quoted (and so on one line), the rest as written. */
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Why `value` does not fit `spec`, or undefined when it does. */
function misfit(spec: ParameterSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case "choice":
      return spec.values.includes(value as Value)
        ? undefined
        : `must be one of ${spec.values.join(", ")}`;
    case "string":
      return typeof value === "string" ? undefined : "must be a string";
    case "number":
    case "integer": {
      const whole = spec.kind === "integer";
      const ok = typeof value === "number" && Number.isFinite(value) &&
        (!whole || Number.isInteger(value)) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || value <= spec.max);
      if (ok) return undefined;
      const what = whole ? "an integer" : "a number";
      if (spec.min !== undefined && spec.max !== undefined) {
        return `must be ${what} from ${spec.min} to ${spec.max}`;
      }
      if (spec.min !== undefined) return `must be ${what} >= ${spec.min}`;
      if (spec.max !== undefined) return `must be ${what} <= ${spec.max}`;
      return `must be ${what}`;
    }
  }
}

/**
 * Checks that `point` sets exactly the parameters `specs` declares (an
 * optional one may be left out), each to a value its declaration allows, and returns it as the typed point (the
 * same object: values are checked, never converted).
 *
 * @example A point from a resumed row, checked before a run
 * ```ts
 * import { parsePoint, PointError } from "./parameters.ts";
 * const specs = {
 *   mode: { kind: "choice", values: ["native", "nested"], description: "paging mode" },
 *   levels: { kind: "integer", min: 4, max: 5, description: "radix levels" },
 * } as const;
 * const point = parsePoint("demo", specs, { mode: "nested", levels: 5 });
 * if (point.levels !== 5) throw new Error();
 * try {
 *   parsePoint("demo", specs, { mode: "nested", levels: 6 });
 *   throw new Error("accepted levels 6");
 * } catch (error) {
 *   if (!(error instanceof PointError)) throw error;
 *   if (error.message !== 'experiment "demo": parameter "levels" must be an integer from 4 to 5, got 6') {
 *     throw new Error(error.message);
 *   }
 * }
 * ```
 * @throws {PointError} naming the experiment and the first parameter that is missing, unknown or out of range.
 */
export function parsePoint<S extends ParameterSpecs>(
  experimentId: string,
  specs: S,
  point: Point,
): PointOf<S> {
  const where = `experiment "${experimentId}"`;
  if (point === null || typeof point !== "object" || Array.isArray(point)) {
    throw new PointError(`${where}: a point must be an object of parameters, got ${shown(point)}`);
  }
  for (const key of Object.keys(point)) {
    if (!Object.hasOwn(specs, key)) {
      throw new PointError(
        `${where}: unknown parameter "${key}" (parameters: ${Object.keys(specs).join(", ")})`,
      );
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    if (!Object.hasOwn(point, key)) {
      if (spec.kind !== "choice" && spec.kind !== "string" && spec.optional) continue;
      throw new PointError(`${where}: parameter "${key}" is missing`);
    }
    const why = misfit(spec, point[key]);
    if (why !== undefined) {
      throw new PointError(`${where}: parameter "${key}" ${why}, got ${shown(point[key])}`);
    }
  }
  return point as PointOf<S>;
}

/**
 * The description of each parameter, by name: what a report's parameter
 * table shows.
 *
 * @example
 * ```ts
 * import { describeParameters } from "./parameters.ts";
 * const text = describeParameters({ x: { kind: "integer", min: 0, description: "count (points)" } });
 * if (text.x !== "count (points)") throw new Error();
 * ```
 */
export function describeParameters(specs: ParameterSpecs): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, spec.description]));
}
