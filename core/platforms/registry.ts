/**
 * The platform registry: every platform a machine can be built on, by the
 * name users write. Adding a platform is adding one entry here.
 *
 * @module
 */

import { NATIVE } from "./native_platform.ts";
import { NESTED } from "./nested_platform.ts";
import type { PlatformKind } from "./platform_kind.ts";
import { SHADOW } from "./shadow_platform.ts";

/**
 * Every platform, by name, in the order help texts list them.
 *
 * @example
 * ```ts
 * import { PLATFORMS } from "./registry.ts";
 * if (Object.keys(PLATFORMS).join() !== "native,nested,shadow") throw new Error();
 * ```
 */
export const PLATFORMS: Readonly<Record<string, PlatformKind>> = {
  native: NATIVE,
  nested: NESTED,
  shadow: SHADOW,
};

/** Names of the registered platforms. */
export const PLATFORM_NAMES: readonly string[] = Object.keys(PLATFORMS);
