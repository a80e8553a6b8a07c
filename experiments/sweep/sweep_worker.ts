/**
 * Worker entry of the sweep runner: loads the experiment's run module (or
 * the registry named in the request), runs the cell's points one after
 * another and posts each row as it is ready, then waits for the next piece
 * of the same cell, if any. A fresh Worker per cell keeps the model's hot
 * call sites monomorphic (STYLE.md, point 13).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import type { Experiment } from "../experiment.ts";
import type { CellReply, CellRequest } from "./sweep_message.ts";

function post(reply: CellReply): void {
  self.postMessage(reply);
}

/**
 * The cell's run function: the experiment's run module when it has one (the
 * runner checked every point against the parameters already), else `run` of
 * the experiment in the registry, which loads every experiment's report too.
 */
async function runnerOf(request: CellRequest): Promise<Experiment["run"]> {
  if (request.runModule) {
    const { url, name } = request.runModule;
    const run = (await import(url))[name];
    if (typeof run !== "function") {
      throw new Error(`${url} has no function export "${name}"`);
    }
    return run;
  }
  const registry = (await import(request.registryUrl)).EXPERIMENTS as Record<string, Experiment>;
  const experiment = registry[request.experimentId];
  if (experiment === undefined) {
    throw new Error(`no experiment "${request.experimentId}" in ${request.registryUrl}`);
  }
  return (point, context) => experiment.run(point, context);
}

self.onmessage = async (event: MessageEvent<CellRequest>): Promise<void> => {
  const request = event.data;
  let index = -1;
  try {
    const run = await runnerOf(request);
    for (const { index: runIndex, point, seed } of request.points) {
      index = runIndex;
      const started = performance.now();
      const row = await run(point, { seed, cost: request.cost });
      post({ kind: "row", index, row, milliseconds: performance.now() - started });
    }
    post({ kind: "done" });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ kind: "error", index, message: e.message, stack: e.stack });
  }
};
