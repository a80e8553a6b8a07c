// `deno task bench [TEXT...]`: the simulator's speed on its hot paths, with
// mitata. Each benchmark configuration runs in its own fresh Worker, one
// after the other (STYLE.md, point 13: a call site that has seen other
// configurations in the same isolate can run several times slower). Prints
// a table of mitata's numbers, one JSON summary of operations per second per
// benchmark with the targets issues set, and the ratios issue 16 states its
// goals in. With TEXT, runs only the benchmarks whose names contain one of them.
// Colour (a bold header, missed targets in red) only when stdout is a
// terminal and NO_COLOR is unset: redirected output is plain text. mitata is
// used through measure() alone, which prints nothing.
import type { BenchCase, BenchModule } from "./bench_case.ts";
import type { BenchReply, BenchRequest, BenchStats } from "./bench_worker.ts";
import { STREAMS } from "./sim_stream_bench.ts";
import { TRACE_CASES } from "./trace_bench.ts";

const MODULES: readonly string[] = [
  "./sim_stream_bench.ts",
  "./mmu_bench.ts",
  "./memory_bench.ts",
  "./shadow_bench.ts",
  "./workload_bench.ts",
  "./state_bench.ts",
  "./trace_bench.ts",
].map((path) => new URL(path, import.meta.url).href);

const WORKER_URL = new URL("./bench_worker.ts", import.meta.url).href;

/** The nested command's rate when issue 16 was filed, on its 2-core machine (accesses/s). */
const NESTED_AT_FILING = 0.65e6;

interface Result {
  name: string;
  command?: string;
  unit: string;
  ops: number;
  target?: number;
  stats: BenchStats;
}

function measureInWorker(request: BenchRequest): Promise<BenchStats> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { type: "module" });
    worker.onmessage = (event: MessageEvent<BenchReply>) => {
      worker.terminate();
      const reply = event.data;
      if (reply.kind === "done") resolve(reply.stats);
      else reject(new Error(`${reply.message}\n${reply.stack ?? ""}`));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message));
    };
    worker.postMessage(request);
  });
}

function formatTime(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

function perSecond(result: Result): number {
  return result.ops / (result.stats.avg / 1e9);
}

function formatRate(rate: number): string {
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M` : `${(rate / 1e3).toFixed(1)} k`;
}

/** Whether stdout gets colour: a terminal, and NO_COLOR not set. */
const COLOR = Deno.stdout.isTerminal() && !Deno.noColor;

function paint(code: string, text: string): string {
  return COLOR ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function table(results: readonly Result[]): string {
  const head = ["benchmark", "avg/call", "p50", "p75", "p99", "samples", "rate/s", "target"];
  const rows = results.map((r) => [
    r.name,
    formatTime(r.stats.avg),
    formatTime(r.stats.p50),
    formatTime(r.stats.p75),
    formatTime(r.stats.p99),
    String(r.stats.samples),
    `${formatRate(perSecond(r))} ${r.unit}`,
    r.target === undefined
      ? ""
      : `${formatRate(r.target)}${perSecond(r) >= r.target ? "" : " (missed)"}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => {
      const padded = i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]);
      return c.endsWith("(missed)") ? paint("31", padded) : padded;
    }).join("  ");
  return [paint("1", line(head)), ...rows.map(line)].join("\n");
}

/** Issue 16's goals as ratios of the stream benchmarks that ran. */
function goalLines(results: readonly Result[]): string[] {
  const rate = (label: string) => {
    const r = results.find((x) => x.name === label);
    return r === undefined ? undefined : perSecond(r);
  };
  const lines: string[] = [];
  const walk = rate(STREAMS.walk);
  const walkCaches = rate(STREAMS.walkCaches);
  const dataCaches = rate(STREAMS.dataCaches);
  const nested = rate(STREAMS.nested);
  if (walk !== undefined && walkCaches !== undefined) {
    lines.push(
      `walk caches on / off on the walk-dominated stream: ${
        (walk / walkCaches).toFixed(2)
      }× slower (goal at most 1.2×)`,
    );
  }
  if (walk !== undefined && dataCaches !== undefined) {
    lines.push(
      `cache hierarchy on / off on the walk-dominated stream: ${
        (walk / dataCaches).toFixed(2)
      }× slower (goal at most 2×)`,
    );
  }
  if (nested !== undefined) {
    lines.push(
      `nested command: ${formatRate(nested)} accesses/s, ${
        (nested / NESTED_AT_FILING).toFixed(2)
      }× the ${formatRate(NESTED_AT_FILING)}/s measured when issue 16 was filed (goal at least 2×)`,
    );
  }
  const lackey = rate(TRACE_CASES.lackey);
  const vmtrace = rate(TRACE_CASES.vmtrace);
  if (lackey !== undefined && vmtrace !== undefined) {
    lines.push(
      `vmtrace / lackey text, parsing the same trace: ${
        (vmtrace / lackey).toFixed(2)
      }× faster (goal at least 5×)`,
    );
  }
  return lines;
}

const HELP = `Usage: deno task bench [TEXT...]

Measures the simulator's speed with mitata, each benchmark in a fresh Worker.
TEXT: run only the benchmarks whose names contain one of these texts.
  --list       list the benchmarks
  -h, --help   this text`;

const args = Deno.args;
if (args.includes("-h") || args.includes("--help")) {
  console.log(HELP);
  Deno.exit(0);
}
const list = args.includes("--list");
const filters = args.filter((a) => a !== "--list");
const unknown = filters.find((a) => a.startsWith("-"));
if (unknown !== undefined) {
  console.error(`error: unknown option ${unknown} (see --help)`);
  Deno.exit(2);
}

const selected: { module: string; index: number; bench: BenchCase }[] = [];
for (const module of MODULES) {
  const { CASES } = (await import(module)) as BenchModule;
  CASES.forEach((bench, index) => {
    if (filters.length === 0 || filters.some((f) => bench.name.includes(f))) {
      selected.push({ module, index, bench });
    }
  });
}
if (list) {
  for (const { bench } of selected) {
    console.log(bench.command ? `${bench.name} (${bench.command})` : bench.name);
  }
  Deno.exit(0);
}
if (selected.length === 0) {
  console.error(`error: no benchmark name contains ${filters.map((f) => `"${f}"`).join(" or ")}`);
  Deno.exit(2);
}

const results: Result[] = [];
for (const [i, { module, index, bench }] of selected.entries()) {
  const started = performance.now();
  const stats = await measureInWorker({ module, index });
  const result = {
    name: bench.name,
    command: bench.command,
    unit: bench.unit,
    ops: bench.ops,
    target: bench.target,
    stats,
  };
  results.push(result);
  console.error(
    `[${i + 1}/${selected.length}] ${bench.name}: ${
      formatRate(perSecond(result))
    } ${bench.unit}/s (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

console.log(table(results));
console.log();
for (const r of results) if (r.command) console.log(`${r.name}: each sample times ${r.command}`);
console.log();
const goals = goalLines(results);
for (const line of goals) console.log(line);
if (goals.length > 0) console.log();
console.log(JSON.stringify(
  {
    benchmarks: results.map((r) => ({
      name: r.name,
      ...(r.command ? { command: r.command } : {}),
      unit: r.unit,
      ops_per_call: r.ops,
      per_second: Math.round(perSecond(r)),
      target: r.target,
      meets_target: r.target === undefined ? undefined : perSecond(r) >= r.target,
      mitata: r.stats,
    })),
  },
  null,
  2,
));
