/**
 * Enumerations built from one list of snake_case names: the codes object
 * (`ExitReason.CR3_WRITE === 0`), the count and the names all come from the
 * list, so none can fall out of step with another.
 *
 * @module
 */

/**
 * The codes of a list of names: `NAME_IN_UPPER_CASE` (after an optional
 * prefix) → its index in the list, as a literal type.
 */
export type EnumCodes<N extends readonly string[], P extends string = ""> = {
  readonly [I in keyof N & `${number}` as `${P}${Uppercase<N[I]>}`]: I extends
    `${infer C extends number}` ? C : never;
};

/**
 * Builds the codes object of a list of names: each name upper-cased (after
 * `prefix`) maps to its index. The object is frozen and holds small
 * integers only, so hot code that indexes typed arrays by `Enum.NAME` reads
 * a constant.
 *
 * @param names snake_case names in code order
 * @param prefix put before every key, for names that do not start with a letter (`SIZE_4K`)
 *
 * @example
 * ```ts
 * import { enumCodes } from "./enumeration.ts";
 * import assert from "node:assert/strict";
 * const NAMES = ["load", "store"] as const;
 * const Kind = enumCodes(NAMES);
 * assert.equal(Kind.STORE, 1);
 * assert.ok(Object.isFrozen(Kind));
 * assert.equal(enumCodes(["4k", "2m"] as const, "SIZE_").SIZE_2M, 1);
 * ```
 */
export function enumCodes<const N extends readonly string[], P extends string = "">(
  names: N,
  prefix?: P,
): EnumCodes<N, P> {
  const codes: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    const key = `${prefix ?? ""}${names[i].toUpperCase()}`;
    if (!/^[A-Z_][A-Z0-9_]*$/.test(key) || Object.hasOwn(codes, key)) {
      throw new RangeError(`enumeration key "${key}" is not a fresh identifier`);
    }
    codes[key] = i;
  }
  // A copy: an object grown key by key past a dozen keys is kept by V8 as a
  // dictionary, and every `Enum.NAME` in hot code becomes a hash lookup
  // (measured: 26 counters cost the MMU's L1-hit loop a sixth of its speed);
  // a spread copy is a fast object whose loads compile to constants.
  return Object.freeze({ ...codes }) as EnumCodes<N, P>;
}
