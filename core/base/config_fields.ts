/**
 * Configuration declared as data, and the one validator of it. Every
 * configuration (a machine, its memory, shadow paging, a cost or storage
 * profile, a workload, a snapshot) is a record of fields, each declared
 * with its kind, range, default, unit and description. From that one
 * declaration come validation ({@linkcode validateConfig}), the defaults,
 * and the documentation that help texts and report tables print
 * ({@linkcode describeConfig}, {@linkcode describeField}). Rules that relate
 * fields are small functions beside the declaration: an object field's
 * `check`, or the `check` given to {@linkcode validateConfig}.
 *
 * @module
 */

import { ConfigError } from "./config_error.ts";
import { formatSize, parseSize, SIZE_SYNTAX } from "./size.ts";

/** Resolved values of an object so far: a derived default sees the fields declared before it. */
export type ResolvedSoFar = Readonly<Record<string, unknown>>;

/** What every field declares besides its kind. */
export interface FieldBase {
  /** What the field sets, one sentence without its range or default (those are declared). */
  readonly description: string;
  /** Unit of the value (`cycles`, `bytes`, `MiB`, `ms`), when it has one. */
  readonly unit?: string;
  /** Whether the field must be given (only for fields without a default). */
  readonly required?: boolean;
  /**
   * The default in words, when it is not a constant: derived from another
   * field, or taken from elsewhere (a profile); documentation only.
   */
  readonly defaultText?: string;
}

/** An integer (a safe integer), optionally bounded. */
export interface IntegerField extends FieldBase {
  /** The kind. */
  readonly kind: "integer";
  /** Value when absent, or a function of the fields declared before it. */
  readonly default?: number | ((values: ResolvedSoFar) => number);
  /** Smallest value allowed. */
  readonly min?: number;
  /** Largest value allowed. */
  readonly max?: number;
  /** The value must be a multiple of this. */
  readonly multipleOf?: number;
}

/** A finite number, optionally bounded. */
export interface NumberField extends FieldBase {
  /** The kind. */
  readonly kind: "number";
  /** Value when absent, or a function of the fields declared before it. */
  readonly default?: number | ((values: ResolvedSoFar) => number);
  /** Smallest value allowed. */
  readonly min?: number;
  /** The value must be above this (an exclusive lower bound). */
  readonly above?: number;
  /** Largest value allowed. */
  readonly max?: number;
}

/** A byte count, given as an integer or as text such as `64M` (see `parseSize`). */
export interface SizeField extends FieldBase {
  /** The kind. */
  readonly kind: "size";
  /** Bytes when absent. */
  readonly default?: number;
  /** Fewest bytes allowed. */
  readonly min?: number;
  /** Most bytes allowed. */
  readonly max?: number;
}

/** `true` or `false`. */
export interface BooleanField extends FieldBase {
  /** The kind. */
  readonly kind: "boolean";
  /** Value when absent. */
  readonly default?: boolean;
}

/** A non-empty string. */
export interface StringField extends FieldBase {
  /** The kind. */
  readonly kind: "string";
  /** Value when absent. */
  readonly default?: string;
}

/** One of a list of names (or numbers); errors list them. */
export interface EnumField extends FieldBase {
  /** The kind. */
  readonly kind: "enum";
  /** The values allowed, in the order help texts list them. */
  readonly values: readonly (string | number)[];
  /** Value when absent. */
  readonly default?: string | number;
}

/**
 * A rule over the resolved values of one object: calls `fail` with a field
 * of that object (relative name) and the problem. `given` is the input as
 * written, to tell a default from a value the user chose. A rule may also
 * put a value in its canonical form (a list of names in registry order).
 */
export type ObjectCheck = (
  values: Record<string, unknown>,
  given: ResolvedSoFar,
  fail: (field: string, problem: string) => never,
) => void;

/**
 * Refuses every field of `table` given although the mode `value` is not
 * among the modes that use it: "only A and B use it, not C". Options a mode
 * cannot use are mistakes, refused rather than ignored.
 *
 * @example
 * ```ts
 * import { refuseOtherModes } from "./config_fields.ts";
 * import assert from "node:assert/strict";
 * const fail = (field: string, problem: string): never => {
 *   throw new Error(`${field}: ${problem}`);
 * };
 * const table = { preempt: ["post-copy", "hybrid"] };
 * assert.throws(
 *   () => refuseOtherModes(table, "pre-copy", { preempt: true }, fail),
 *   /^Error: preempt: only post-copy and hybrid use it, not pre-copy$/,
 * );
 * refuseOtherModes(table, "hybrid", { preempt: true }, fail);
 * ```
 */
export function refuseOtherModes(
  table: Readonly<Record<string, readonly string[]>>,
  value: string,
  given: ResolvedSoFar,
  fail: (field: string, problem: string) => never,
): void {
  for (const [field, modes] of Object.entries(table)) {
    if (given[field] !== undefined && !modes.includes(value)) {
      fail(
        field,
        `only ${modes.join(" and ")} ${modes.length > 1 ? "use" : "uses"} it, not ${value}`,
      );
    }
  }
}

/** A nested record of fields. */
export interface ObjectField extends FieldBase {
  /** The kind. */
  readonly kind: "object";
  /** Its fields. */
  readonly fields: ConfigFields;
  /** Input taken when the object is absent (usually `{}`: every field its default); else absent stays absent. */
  readonly default?: ResolvedSoFar;
  /** Rule relating its fields, run once they are resolved. */
  readonly check?: ObjectCheck;
}

/**
 * A named preset or an object of the preset's fields: a hardware baseline
 * chosen by name (`nvme-ssd`), or one given as data, validated in full.
 */
export interface PresetField extends FieldBase {
  /** The kind. */
  readonly kind: "preset";
  /** The named presets, by name, in the order errors list them. */
  readonly presets: Readonly<Record<string, object>>;
  /** What an object given in place of a name must hold. */
  readonly fields: ConfigFields;
  /** Name of the preset taken when absent. */
  readonly default?: string;
}

/** Any field. */
export type FieldSpec =
  | IntegerField
  | NumberField
  | SizeField
  | BooleanField
  | StringField
  | EnumField
  | ObjectField
  | PresetField;

/** A declaration with exactly the fields of `T`: the compiler keeps a type and its declaration in step. */
export type FieldsOf<T> = { readonly [K in keyof T]-?: FieldSpec };

/** A configuration's declaration: field name → field, in the order errors and help list them. */
export type ConfigFields = { readonly [name: string]: FieldSpec };

/** The type of a field's resolved value. */
export type FieldValue<F> = F extends
  { readonly kind: "enum"; readonly values: readonly (infer V)[] } ? V
  : F extends { readonly kind: "integer" | "number" | "size" } ? number
  : F extends { readonly kind: "boolean" } ? boolean
  : F extends { readonly kind: "string" } ? string
  : F extends { readonly kind: "object"; readonly fields: infer S } ? ConfigValues<S>
  : F extends { readonly kind: "preset"; readonly presets: Readonly<Record<string, infer P>> } ? P
  : never;

/** Whether a field always has a value once resolved (a default, or required). */
export type FieldAlwaysSet<F> = F extends { readonly default: unknown } ? true
  : F extends { readonly required: true } ? true
  : false;

/** The resolved values of a declaration: fields without a default may be `undefined`. */
export type ConfigValues<S> = {
  -readonly [K in keyof S]: FieldAlwaysSet<S[K]> extends true ? FieldValue<S[K]>
    : FieldValue<S[K]> | undefined;
};

/**
 * What a user may write for a field: names of an enumeration as any string
 * (checked when validated), sizes as numbers or text.
 */
export type FieldInput<F> = F extends
  { readonly kind: "enum"; readonly values: readonly (infer V)[] }
  ? V extends string ? V | (string & Record<never, never>) : number
  : F extends { readonly kind: "size" } ? number | string
  : F extends { readonly kind: "object"; readonly fields: infer S } ? ConfigInput<S>
  : F extends { readonly kind: "preset"; readonly presets: Readonly<Record<string, infer P>> }
    ? string | P
  : FieldValue<F>;

/** Names of the fields a user must write. */
export type RequiredFields<S> = {
  [K in keyof S]: S[K] extends { readonly required: true } ? K : never;
}[keyof S];

/** What a user may write for a declaration: the required fields, and any of the others. */
export type ConfigInput<S> =
  & { -readonly [K in keyof S as K extends RequiredFields<S> ? K : never]: FieldInput<S[K]> }
  & { -readonly [K in keyof S as K extends RequiredFields<S> ? never : K]?: FieldInput<S[K]> };

/** Where a configuration sits, for errors: its component and the path of its object. */
export interface ConfigPlace {
  /** What it configures, e.g. `machine config`; errors say `Cannot use <component>`. */
  readonly component: string;
  /** Dotted path of the object inside the component (`memory`), or empty at the top. */
  readonly path?: string;
}

/** How {@linkcode validateConfig} reads one configuration. */
export interface ValidateOptions extends ConfigPlace {
  /**
   * Defaults that replace the declared ones, as a tree of values: taken from
   * elsewhere at run time (the base cost profile, the profile's TLBs).
   */
  readonly defaults?: object;
  /** Rule relating the top-level fields, run once they are resolved. */
  readonly check?: ObjectCheck;
}

/** One field as documentation: what help texts and report tables print. */
export interface FieldDoc {
  /** Dotted path. */
  field: string;
  /** What values it takes, in the words errors use: `an integer from 1 to 64`. */
  expected: string;
  /** The default in words, or `undefined` when there is none. */
  default: string | undefined;
  /** Unit, or `""`. */
  unit: string;
  /** What it sets. */
  description: string;
}

type Json = { [key: string]: unknown };

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `a.b` from `a` and `b`; either may be empty. */
function join(path: string | undefined, key: string): string {
  return path === undefined || path === "" ? key : key === "" ? path : `${path}.${key}`;
}

/**
 * A value as an error message quotes it after `got`: strings quoted (long
 * ones shortened), numbers and booleans as written, `an array`, `an
 * object`, `nothing` for a missing value.
 *
 * @example
 * ```ts
 * import { describeValue } from "./config_fields.ts";
 * import assert from "node:assert/strict";
 * assert.equal(describeValue("4m"), '"4m"');
 * assert.equal(describeValue([1]), "an array");
 * assert.equal(describeValue(undefined), "nothing");
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
    case "number":
    case "boolean":
      return String(value);
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return `a ${typeof value}`;
  }
}

/** A bound as people read it: large powers of two as `2^N`, of ten as `1eN`. */
function bound(n: number): string {
  if (n === Number.MAX_SAFE_INTEGER) return "2^53";
  if (n >= 65536 && Number.isInteger(Math.log2(n))) return `2^${Math.log2(n)}`;
  const decimal = Math.round(Math.log10(n));
  if (n >= 1e6 && n === 10 ** decimal) return `1e${decimal}`;
  return String(n);
}

function integerExpectation(f: IntegerField): string {
  const noun = f.multipleOf === 2 ? "an even integer" : "an integer";
  const multiple = f.multipleOf === undefined || f.multipleOf === 2
    ? ""
    : ` that is a multiple of ${f.multipleOf}`;
  const { min, max } = f;
  if (min !== undefined && max !== undefined) {
    return `${noun} from ${bound(min)} to ${bound(max)}${multiple}`;
  }
  if (min === 0 && multiple === "") return `a non-negative ${noun.slice(3)}`;
  if (min === 1 && multiple === "") return `a positive ${noun.slice(3)}`;
  if (min !== undefined) return `${noun} of at least ${bound(min)}${multiple}`;
  if (max !== undefined) return `${noun} of at most ${bound(max)}${multiple}`;
  return `${noun}${multiple}`;
}

function numberExpectation(f: NumberField): string {
  const { min, above, max } = f;
  if (above !== undefined) {
    if (max !== undefined) return `a number above ${bound(above)} and at most ${bound(max)}`;
    return above === 0 ? "a positive number" : `a number above ${bound(above)}`;
  }
  if (min !== undefined && max !== undefined) return `a number from ${bound(min)} to ${bound(max)}`;
  if (min === 0) return "a non-negative number";
  if (min !== undefined) return `a number of at least ${bound(min)}`;
  if (max !== undefined) return `a number of at most ${bound(max)}`;
  return "a number";
}

function sizeExpectation(f: SizeField): string {
  const range = f.min !== undefined && f.max !== undefined
    ? ` from ${formatSize(f.min)} to ${formatSize(f.max)}`
    : f.min !== undefined
    ? ` of at least ${formatSize(f.min)}`
    : f.max !== undefined
    ? ` of at most ${formatSize(f.max)}`
    : "";
  return `a size${range} (${SIZE_SYNTAX})`;
}

/**
 * What values a field takes, in the words its errors use.
 *
 * @example
 * ```ts
 * import { expectation } from "./config_fields.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   expectation({ kind: "integer", min: 1, max: 64, description: "vCPUs" }),
 *   "an integer from 1 to 64",
 * );
 * assert.equal(
 *   expectation({ kind: "enum", values: ["4k", "2m"], description: "page size" }),
 *   "one of 4k, 2m",
 * );
 * ```
 */
export function expectation(field: FieldSpec): string {
  switch (field.kind) {
    case "integer":
      return integerExpectation(field);
    case "number":
      return numberExpectation(field);
    case "size":
      return sizeExpectation(field);
    case "boolean":
      return "true or false";
    case "string":
      return "a non-empty string";
    case "enum":
      return `one of ${field.values.join(", ")}`;
    case "object":
      return "an object";
    case "preset":
      return `one of ${Object.keys(field.presets).join(", ")}, or a profile given as an object`;
  }
}

/** The value, if it fits the field; else `undefined`. */
function accept(field: Exclude<FieldSpec, ObjectField | PresetField>, value: unknown): unknown {
  switch (field.kind) {
    case "integer": {
      if (typeof value !== "number" || !Number.isSafeInteger(value)) return undefined;
      if (field.min !== undefined && value < field.min) return undefined;
      if (field.max !== undefined && value > field.max) return undefined;
      if (field.multipleOf !== undefined && value % field.multipleOf !== 0) return undefined;
      return value;
    }
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
      if (field.min !== undefined && value < field.min) return undefined;
      if (field.above !== undefined && !(value > field.above)) return undefined;
      if (field.max !== undefined && value > field.max) return undefined;
      return value;
    }
    case "size": {
      const bytes = typeof value === "string" ? parseSize(value) : value;
      if (typeof bytes !== "number" || !Number.isSafeInteger(bytes)) return undefined;
      if (field.min !== undefined && bytes < field.min) return undefined;
      if (field.max !== undefined && bytes > field.max) return undefined;
      return bytes;
    }
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    case "string":
      return typeof value === "string" && value.length > 0 ? value : undefined;
    case "enum":
      return (typeof value === "string" || typeof value === "number") &&
          field.values.includes(value)
        ? value
        : undefined;
  }
}

function resolveObject(
  fields: ConfigFields,
  input: unknown,
  place: ConfigPlace,
  path: string,
  defaults: ResolvedSoFar | undefined,
  check: ObjectCheck | undefined,
): Json {
  const fail = (field: string, problem: string): never => {
    const at = join(place.path, join(path, field));
    throw new ConfigError(place.component, at === "" ? undefined : at, problem);
  };
  if (!isObject(input)) fail("", `expected an object, got ${describeValue(input)}`);
  const given = input as Json;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(fields, key)) {
      fail(key, `unknown field; known fields: ${Object.keys(fields).join(", ")}`);
    }
  }
  const out: Json = {};
  for (const [name, field] of Object.entries(fields)) {
    const raw = given[name];
    const runtimeDefault = defaults !== undefined && Object.hasOwn(defaults, name)
      ? defaults[name]
      : undefined;
    if (field.kind === "object") {
      const nestedDefaults = isObject(runtimeDefault) ? runtimeDefault : undefined;
      const source = raw ?? (nestedDefaults !== undefined ? {} : field.default);
      if (source === undefined) {
        if (field.required) fail(name, `expected ${expectation(field)}, got nothing`);
        out[name] = undefined;
        continue;
      }
      out[name] = resolveObject(
        field.fields,
        source,
        place,
        join(path, name),
        nestedDefaults,
        field.check,
      );
      continue;
    }
    if (field.kind === "preset") {
      const chosen = raw ?? runtimeDefault ?? field.default;
      if (typeof chosen === "string" && Object.hasOwn(field.presets, chosen)) {
        out[name] = field.presets[chosen];
      } else if (isObject(chosen)) {
        out[name] = resolveObject(
          field.fields,
          chosen,
          place,
          join(path, name),
          undefined,
          undefined,
        );
      } else if (chosen === undefined && !field.required) {
        out[name] = undefined;
      } else {
        fail(name, `expected ${expectation(field)}, got ${describeValue(chosen)}`);
      }
      continue;
    }
    let value = raw;
    if (value === undefined) {
      value = runtimeDefault ??
        (typeof field.default === "function" ? field.default(out) : field.default);
    }
    if (value === undefined) {
      if (field.required) fail(name, `expected ${expectation(field)}, got nothing`);
      out[name] = undefined;
      continue;
    }
    const accepted = accept(field, value);
    if (accepted === undefined) {
      // A size given as a byte count is quoted as a size, in the words of its range.
      const got = field.kind === "size" && typeof value === "number" &&
          Number.isSafeInteger(value) && value > 0
        ? formatSize(value)
        : describeValue(value);
      fail(name, `expected ${expectation(field)}, got ${got}`);
    }
    out[name] = accepted;
  }
  check?.(out, given, fail);
  return out;
}

/**
 * Validates a configuration against its declaration and fills in defaults.
 * Unknown fields are rejected with the known ones listed; a value of the
 * wrong kind or out of range is rejected with what the field takes; nested
 * objects are read the same way, field by field over their defaults; then
 * the object rules (`check`) run. The result is a fresh object.
 *
 * @param fields the declaration
 * @param input the configuration as the user wrote it (possibly parsed JSON)
 * @param options the component and path errors name, run-time defaults, a rule
 * @throws {ConfigError} naming the component, the field and the problem, in one line
 *
 * @example Defaults filled in, a bad value named
 * ```ts
 * import { type ConfigFields, validateConfig } from "./config_fields.ts";
 * import assert from "node:assert/strict";
 *
 * const FIELDS = {
 *   vcpus: { kind: "integer", min: 1, max: 64, default: 1, description: "vCPUs" },
 *   page: { kind: "enum", values: ["4k", "2m", "1g"], default: "4k", description: "page size" },
 * } as const satisfies ConfigFields;
 *
 * const config = validateConfig(FIELDS, { page: "2m" }, { component: "machine config" });
 * assert.deepEqual(config, { vcpus: 1, page: "2m" });
 * assert.throws(() => validateConfig(FIELDS, { page: "4m" }, { component: "machine config" }), {
 *   message: 'Cannot use machine config: field "page": expected one of 4k, 2m, 1g, got "4m"',
 * });
 * assert.throws(() => validateConfig(FIELDS, { cpus: 2 }, { component: "machine config" }), {
 *   message: 'Cannot use machine config: field "cpus": unknown field; known fields: vcpus, page',
 * });
 * ```
 */
export function validateConfig<S extends ConfigFields>(
  fields: S,
  input: unknown,
  options: ValidateOptions,
): ConfigValues<S> {
  return resolveObject(
    fields,
    input,
    options,
    "",
    options.defaults as ResolvedSoFar | undefined,
    options.check,
  ) as ConfigValues<S>;
}

/**
 * Throws the {@linkcode ConfigError} of `field` (relative to the place's
 * path) with `problem`: for rules that run outside a declaration.
 *
 * @example
 * ```ts
 * import { failConfig } from "./config_fields.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => failConfig({ component: "machine config", path: "shadow" }, "batch", "too big"), {
 *   message: 'Cannot use machine config: field "shadow.batch": too big',
 * });
 * ```
 */
export function failConfig(place: ConfigPlace, field: string | undefined, problem: string): never {
  const at = join(place.path, field ?? "");
  throw new ConfigError(place.component, at === "" ? undefined : at, problem);
}

function defaultText(field: FieldSpec): string | undefined {
  if (field.defaultText !== undefined) return field.defaultText;
  if (field.kind === "object" || field.default === undefined) return undefined;
  if (field.kind === "preset") return field.default;
  if (typeof field.default === "function") return undefined;
  if (field.kind === "size") return formatSize(field.default);
  return String(field.default);
}

/**
 * The field at a dotted path of a declaration.
 *
 * @throws {RangeError} when no field has that path: a mistake in the caller, not in input.
 *
 * @example
 * ```ts
 * import { fieldAt } from "./config_fields.ts";
 * const FIELDS = {
 *   shadow: { kind: "object", description: "shadow paging", fields: {
 *     batch: { kind: "enum", values: [1, 8], default: 8, description: "entries per fault" },
 *   } },
 * } as const;
 * if (fieldAt(FIELDS, "shadow.batch").kind !== "enum") throw new Error();
 * ```
 */
export function fieldAt(fields: ConfigFields, path: string): FieldSpec {
  let scope: ConfigFields = fields;
  const parts = path.split(".");
  for (let i = 0; i < parts.length; i++) {
    const field = Object.hasOwn(scope, parts[i]) ? scope[parts[i]] : undefined;
    if (field === undefined) throw new RangeError(`no field "${path}" in this declaration`);
    if (i === parts.length - 1) return field;
    if (field.kind !== "object") throw new RangeError(`field "${path}" is not nested`);
    scope = field.fields;
  }
  throw new RangeError("empty field path");
}

/**
 * One field as documentation.
 *
 * @example
 * ```ts
 * import { describeField } from "./config_fields.ts";
 * import assert from "node:assert/strict";
 * const FIELDS = {
 *   jobMs: { kind: "number", min: 0, default: 100, unit: "ms", description: "guest work per vCPU" },
 * } as const;
 * assert.deepEqual(describeField(FIELDS, "jobMs"), {
 *   field: "jobMs",
 *   expected: "a non-negative number",
 *   default: "100",
 *   unit: "ms",
 *   description: "guest work per vCPU",
 * });
 * ```
 */
export function describeField(fields: ConfigFields, path: string): FieldDoc {
  const field = fieldAt(fields, path);
  return {
    field: path,
    expected: expectation(field),
    default: defaultText(field),
    unit: field.unit ?? "",
    description: field.description,
  };
}

/**
 * Every field of a declaration as documentation, nested objects flattened
 * to their leaves (`tlb.l2.ways`), in declaration order.
 *
 * @example
 * ```ts
 * import { describeConfig } from "./config_fields.ts";
 * import assert from "node:assert/strict";
 * const FIELDS = {
 *   clockGhz: { kind: "number", above: 0, unit: "GHz", description: "core clock" },
 *   tlb: { kind: "object", description: "TLBs", fields: {
 *     entries: { kind: "integer", min: 0, description: "entries" },
 *   } },
 * } as const;
 * assert.deepEqual(describeConfig(FIELDS).map((d) => d.field), ["clockGhz", "tlb.entries"]);
 * ```
 */
export function describeConfig(fields: ConfigFields, prefix: string = ""): FieldDoc[] {
  const out: FieldDoc[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const path = join(prefix, name);
    if (field.kind === "object") out.push(...describeConfig(field.fields, path));
    else out.push({ ...describeField(fields, name), field: path });
  }
  return out;
}
