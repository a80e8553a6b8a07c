/**
 * Command-line options that set fields of a declared configuration: their
 * help lines come from the declaration (description, values, default), the
 * text a user types becomes the field's value, and a `ConfigError` about
 * the field comes back naming the option instead.
 *
 * @module
 */

import { ConfigError } from "../../core/base/config_error.ts";
import {
  type ConfigFields,
  describeField,
  expectation,
  fieldAt,
} from "../../core/base/config_fields.ts";
import { UsageError } from "./usage_error.ts";

/** A command-line option that sets one field of a declared configuration. */
export interface FieldOption {
  /** The option, without its dashes: `host-page`. */
  readonly name: string;
  /** What its value looks like in help: `N`, `F`, `SIZE`. */
  readonly meta: string;
  /** The declaration the field belongs to. */
  readonly fields: ConfigFields;
  /** Dotted path of the field it sets: `memory.fragmentation`. */
  readonly field: string;
  /** What the command's default is, where it differs from the declaration's. */
  readonly default?: string;
  /** What the values look like, where the command reads them otherwise than as the field (a file). */
  readonly expected?: string;
  /** Turns the text into the field's value, where the command reads it otherwise. */
  readonly parse?: (text: string) => unknown;
  /** What the option applies to, said before the description: `snapshot`. */
  readonly scope?: string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * The value a field gets from the option's text: numbers as numbers,
 * `on`/`off` as booleans, names lower-cased. Text that is none of these is
 * passed on as it is, so the validator's error quotes what the user typed.
 *
 * @example
 * ```ts
 * import { optionValue } from "./config_options.ts";
 * import { MACHINE_CONFIG_FIELDS } from "../../core/machine/machine_config.ts";
 * import assert from "node:assert/strict";
 * const option = { name: "vcpus", meta: "N", fields: MACHINE_CONFIG_FIELDS, field: "vcpus" };
 * assert.equal(optionValue(option, "4"), 4);
 * assert.equal(optionValue(option, "four"), "four");
 * ```
 */
export function optionValue(option: FieldOption, text: string): unknown {
  if (option.parse) return option.parse(text);
  const field = fieldAt(option.fields, option.field);
  const trimmed = text.trim();
  switch (field.kind) {
    case "integer":
    case "number":
      return NUMBER.test(trimmed) ? Number(trimmed) : text;
    case "boolean":
      return trimmed === "on" || trimmed === "true"
        ? true
        : trimmed === "off" || trimmed === "false"
        ? false
        : text;
    case "enum":
      return NUMBER.test(trimmed) && field.values.some((v) => typeof v === "number")
        ? Number(trimmed)
        : trimmed.toLowerCase();
    default:
      return text;
  }
}

/**
 * Sets the field at a dotted path of a plain object, making the objects on
 * the way.
 *
 * @example
 * ```ts
 * import { setField } from "./config_options.ts";
 * import assert from "node:assert/strict";
 * const config: Record<string, unknown> = {};
 * setField(config, "memory.fragmentation", 0.5);
 * assert.deepEqual(config, { memory: { fragmentation: 0.5 } });
 * ```
 */
export function setField(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

/**
 * The configuration the given options write: each option that has a value
 * sets its field.
 *
 * @example
 * ```ts
 * import { configFromOptions } from "./config_options.ts";
 * import { MACHINE_CONFIG_FIELDS } from "../../core/machine/machine_config.ts";
 * import assert from "node:assert/strict";
 * const options = [
 *   { name: "mode", meta: "P", fields: MACHINE_CONFIG_FIELDS, field: "platform" },
 *   { name: "batch", meta: "N", fields: MACHINE_CONFIG_FIELDS, field: "shadow.batch" },
 * ];
 * assert.deepEqual(configFromOptions(options, { mode: "shadow", batch: "64" }), {
 *   platform: "shadow",
 *   shadow: { batch: 64 },
 * });
 * ```
 */
export function configFromOptions(
  options: readonly FieldOption[],
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const option of options) {
    const text = values[option.name];
    if (typeof text === "string") setField(config, option.field, optionValue(option, text));
  }
  return config;
}

const WIDTH = 100;
const COLUMN = 23;

function wrap(head: string, text: string): string {
  const indent = " ".repeat(COLUMN);
  const lines: string[] = [];
  let line = indent;
  if (head.length < COLUMN - 1) line = head.padEnd(COLUMN);
  else lines.push(head);
  let empty = true;
  for (const word of text.split(" ")) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join("\n");
}

/**
 * The option's help: its description, the values it takes and its default,
 * all from the declaration, wrapped to 100 columns after `head` (the
 * option and its value; blank to continue the option above).
 *
 * @example
 * ```ts
 * import { optionHelp } from "./config_options.ts";
 * import { MACHINE_CONFIG_FIELDS } from "../../core/machine/machine_config.ts";
 * import assert from "node:assert/strict";
 * const help = optionHelp({ name: "vcpus", meta: "N", fields: MACHINE_CONFIG_FIELDS, field: "vcpus" });
 * assert.equal(
 *   help.replace(/\s+/g, " "),
 *   " --vcpus N vCPUs, each with its own TLBs and walk caches: an integer from 1 to 64 (default 1)",
 * );
 * ```
 */
export function optionHelp(
  option: FieldOption,
  head: string = `  --${option.name} ${option.meta}`,
): string {
  const doc = describeField(option.fields, option.field);
  const field = fieldAt(option.fields, option.field);
  const onOff = field.kind === "boolean";
  const expected = option.expected ?? (onOff ? "on or off" : expectation(field));
  const fallback = option.default ??
    (onOff && doc.default !== undefined ? (doc.default === "true" ? "on" : "off") : doc.default);
  // A size says its unit itself.
  const notes = [
    ...(doc.unit !== "" && field.kind !== "size" ? [doc.unit] : []),
    ...(fallback === undefined ? [] : [`default ${fallback}`]),
  ];
  const tail = notes.length === 0 ? "" : ` (${notes.join("; ")})`;
  const scope = option.scope === undefined ? "" : `${option.scope}: `;
  return wrap(head, `${scope}${doc.description}: ${expected}${tail}`);
}

/**
 * Help lines of several options, one after another.
 *
 * @example
 * ```ts
 * import { optionsHelp } from "./config_options.ts";
 * import { MACHINE_CONFIG_FIELDS } from "../../core/machine/machine_config.ts";
 * const M = MACHINE_CONFIG_FIELDS;
 * const help = optionsHelp([
 *   { name: "vcpus", meta: "N", fields: M, field: "vcpus" },
 *   { name: "levels", meta: "4|5", fields: M, field: "levels" },
 * ]);
 * if (!help.includes("--vcpus") || !help.includes("\n  --levels")) throw new Error(help);
 * ```
 */
export function optionsHelp(options: readonly FieldOption[]): string {
  return options.map((o) => optionHelp(o)).join("\n");
}

/** The options set under a field path (the field itself, or fields inside it) that the user gave. */
function optionsAt(
  options: readonly FieldOption[],
  path: string,
  given: Readonly<Record<string, unknown>>,
): FieldOption[] {
  return options.filter((o) =>
    given[o.name] !== undefined && (o.field === path || o.field.startsWith(`${path}.`))
  );
}

/**
 * A configuration error in the command line's words: the field becomes the
 * option that sets it (`--vcpus: expected an integer from 1 to 64, got 0`),
 * and so do fields the problem refers to. Errors about fields no option
 * sets, and other errors, pass through unchanged.
 *
 * @param error what was thrown
 * @param options the options of the configuration that failed
 * @param given the options the user gave, by name
 *
 * @example
 * ```ts
 * import { asOptionError } from "./config_options.ts";
 * import { UsageError } from "./usage_error.ts";
 * import { ConfigError } from "../../core/base/config_error.ts";
 * import { MACHINE_CONFIG_FIELDS } from "../../core/machine/machine_config.ts";
 * import assert from "node:assert/strict";
 * const options = [{ name: "vcpus", meta: "N", fields: MACHINE_CONFIG_FIELDS, field: "vcpus" }];
 * const error = new ConfigError("machine config", "vcpus", "expected an integer from 1 to 64, got 0");
 * const usage = asOptionError(error, options, { vcpus: "0" });
 * assert.ok(usage instanceof UsageError);
 * assert.equal(usage.message, "--vcpus: expected an integer from 1 to 64, got 0");
 * ```
 */
export function asOptionError(
  error: unknown,
  options: readonly FieldOption[],
  given: Readonly<Record<string, unknown>>,
): unknown {
  if (!(error instanceof ConfigError) || error.field === undefined) return error;
  const named = (path: string): string | undefined => {
    const at = new Set(optionsAt(options, path, given).map((o) => `--${o.name}`));
    return at.size === 0 ? undefined : [...at].join(", ");
  };
  // Other fields a rule names bare (`needs hostPolicy "x"`) are said as their options too.
  const parent = error.field.split(".").slice(0, -1).join(".");
  let problem = error.problem.replace(
    /field "([^"]+)"/g,
    (whole, path: string) => named(path) ?? whole,
  ).replace(/\b[a-z]+[A-Z]\w*\b/g, (word) => {
    const option = options.find((o) => o.field === word || o.field === `${parent}.${word}`);
    return option === undefined ? word : `--${option.name}`;
  });
  const exact = named(error.field);
  if (exact !== undefined) {
    // Say what the option takes in its own words (on or off, a file).
    const option = options.find((o) => o.field === error.field);
    if (option !== undefined) {
      const field = fieldAt(option.fields, option.field);
      const own = option.expected ?? (field.kind === "boolean" ? "on or off" : undefined);
      if (own !== undefined) {
        problem = problem.replace(`expected ${expectation(field)}`, `expected ${own}`);
      }
    }
    return new UsageError(`${exact}: ${problem}`);
  }
  // A field inside one an option sets as a whole (a storage profile from a file).
  const parts = error.field.split(".");
  for (let i = parts.length - 1; i > 0; i--) {
    const outer = named(parts.slice(0, i).join("."));
    if (outer !== undefined) {
      return new UsageError(`${outer}: field "${parts.slice(i).join(".")}": ${problem}`);
    }
  }
  return error;
}
