/**
 * How the `partition-bus` report names methods, signalling modes, sizes and
 * rates, and the colours of its methods and modes.
 *
 * @module
 */

import type { BusMethod, Signalling } from "../../core/bus/bus_params.ts";
import { formatNumber } from "../../reports/number_format.ts";

/** Legend labels of the methods. */
export const METHOD_LABELS: Readonly<Record<BusMethod, string>> = {
  inline: "inline (copied through the ring)",
  "transfer-pages": "transfer pages (copy out of a shared buffer)",
  remap: "remap (page flipping)",
  "hypervisor-copy": "hypervisor copy (grant copy)",
  policy: "policy (copy below the threshold, remap from it)",
};

/** Colours of the methods. */
export const METHOD_COLOURS: Readonly<Record<BusMethod, string>> = {
  inline: "#7c3aed",
  "transfer-pages": "#1d4ed8",
  remap: "#c2410c",
  "hypervisor-copy": "#0f766e",
  policy: "#111827",
};

/** Legend labels of the signalling modes. */
export const SIGNALLING_LABELS: Readonly<Record<Signalling, string>> = {
  vmbus: "vmbus (signal on empty → non-empty)",
  "event-idx": "event-idx (virtio's event index)",
  every: "every (no suppression)",
  poll: "poll (a vCPU polls; no signals)",
};

/** Colours of the signalling modes. */
export const SIGNALLING_COLOURS: Readonly<Record<Signalling, string>> = {
  vmbus: "#1d4ed8",
  "event-idx": "#0f766e",
  every: "#c2410c",
  poll: "#6b7280",
};

/**
 * A message size as the report writes it: bytes below 1 KiB, KiB below
 * 1 MiB, MiB above.
 *
 * @example
 * ```ts
 * import { sizeLabel } from "./_labels.ts";
 * if (sizeLabel(64) !== "64 B" || sizeLabel(16384) !== "16 KiB" || sizeLabel(1 << 20) !== "1 MiB") throw new Error();
 * ```
 */
export function sizeLabel(bytes: number): string {
  const trim = (x: number) => formatNumber(Number(x.toPrecision(3)));
  if (bytes >= 2 ** 20) return `${trim(bytes / 2 ** 20)} MiB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KiB`;
  return `${trim(bytes)} B`;
}

/**
 * A rate in messages a second as the report writes it (10k, 1M, 4M).
 *
 * @example
 * ```ts
 * import { rateLabel } from "./_labels.ts";
 * if (rateLabel(1e4) !== "10k" || rateLabel(4e6) !== "4M" || rateLabel(2048) !== "2k") throw new Error();
 * ```
 */
export function rateLabel(msgsS: number): string {
  const trim = (x: number) => formatNumber(Number(x.toPrecision(2)));
  if (msgsS >= 1e6) return `${trim(msgsS / 1e6)}M`;
  if (msgsS >= 1e3) return `${trim(msgsS / 1e3)}k`;
  return trim(msgsS);
}

/** "receiver passes data on" / "receiver reads every byte": a facet's name. */
export function touchesLabel(touches: boolean): string {
  return touches ? "receiver reads every byte" : "receiver passes the payload on unread";
}
