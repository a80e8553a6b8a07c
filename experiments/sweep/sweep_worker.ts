/**
 * Worker entry of the sweep runner: loads the registry named in the request,
 * runs the cell's points one after another and posts each row as it is
 * ready. A fresh Worker per cell keeps the model's hot call sites
 * monomorphic (STYLE.md, point 13).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import type { Experiment } from "../experiment.ts";
import type { CellReply, CellRequest } from "./sweep_message.ts";

function post(reply: CellReply): void {
  self.postMessage(reply);
}

self.onmessage = async (event: MessageEvent<CellRequest>): Promise<void> => {
  const request = event.data;
  let index = -1;
  try {
    const registry = (await import(request.registryUrl)).EXPERIMENTS as Record<string, Experiment>;
    const experiment = registry[request.experimentId];
    if (experiment === undefined) {
      throw new Error(`no experiment "${request.experimentId}" in ${request.registryUrl}`);
    }
    for (const { index: runIndex, point, seed } of request.points) {
      index = runIndex;
      const started = performance.now();
      const row = await experiment.run(point, { seed, cost: request.cost });
      post({ kind: "row", index, row, milliseconds: performance.now() - started });
    }
    post({ kind: "done" });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ kind: "error", index, message: e.message, stack: e.stack });
  }
};
