/**
 * The partition bus: channels of two rings between a guest and the host
 * partition, VMBus-style signalling and its suppression (or virtio's event
 * index, or polling), and four ways to move a payload — inline, transfer
 * pages, remapping, hypervisor copy — with a policy that picks copy or
 * remap by size; every message checked for arriving once, in order,
 * intact.
 *
 * @example Suppression: under load the receiver takes far fewer interrupts than messages
 * ```ts
 * import { runBus } from "./mod.ts";
 * import { getProfile } from "../cost/profiles.ts";
 * const row = runBus(
 *   { method: "inline", messageBytes: 256, offeredMsgsS: 2_000_000, messages: 500 },
 *   getProfile("amd-zen3"),
 *   3,
 * );
 * if (!(row.interrupts_per_msg < 0.5)) throw new Error(`${row.interrupts_per_msg}`);
 * ```
 *
 * @module
 */

export * from "./bus_params.ts";
export * from "./bus_row.ts";
export * from "./ring.ts";
export * from "./signalling.ts";
export * from "./policy.ts";
export * from "./bus.ts";
