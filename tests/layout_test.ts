// The architecture as DESIGN.md (section Layout) states it, checked on the
// source: the folders of core/ form a directed acyclic graph, core/ does no
// I/O and imports no npm package, reports/ knows nothing of core/ or
// experiments/, and core/ itself holds only its entry module. Imports in doc
// comments (examples) are not dependencies of the module and are skipped.
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

interface Import {
  from: string;
  to: string;
}

/** Every `.ts` file under `dir`, repository-relative. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...sources(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

/** Module specifiers of a file's import and export statements (not of its doc examples). */
function specifiers(file: string): string[] {
  const text = Deno.readTextFileSync(join(ROOT, file));
  return [...text.matchAll(/^(?:import|export)\b[^"';]*?\bfrom\s+["']([^"']+)["']/gm)]
    .concat([...text.matchAll(/^import\s+["']([^"']+)["']/gm)])
    .map((m) => m[1]);
}

/** Relative imports of the files under `dir`, resolved to repository-relative paths. */
function importsOf(dir: string): Import[] {
  const out: Import[] = [];
  for (const file of sources(dir)) {
    for (const spec of specifiers(file)) {
      if (!spec.startsWith(".")) continue;
      out.push({ from: file, to: relative(ROOT, resolve(ROOT, dirname(file), spec)) });
    }
  }
  return out;
}

/** The folder of core/ a file belongs to (`core/mmu/tlb.ts` → `mmu`). */
function coreFolder(path: string): string {
  return path.split("/")[1];
}

/** A cycle in the graph as a list of nodes (first = last), or undefined. */
function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, "open");
    stack.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of [...edges.keys()].sort()) {
    if (state.get(node) === undefined) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

Deno.test("findCycle() finds a cycle and accepts a DAG", () => {
  const graph = (pairs: [string, string][]) => {
    const edges = new Map<string, Set<string>>();
    for (const [a, b] of pairs) edges.set(a, (edges.get(a) ?? new Set()).add(b));
    return edges;
  };
  assert.deepEqual(findCycle(graph([["a", "b"], ["b", "c"], ["c", "a"]])), ["a", "b", "c", "a"]);
  assert.equal(findCycle(graph([["a", "b"], ["b", "c"], ["a", "c"]])), undefined);
});

Deno.test("the folders of core/ form a directed acyclic graph", () => {
  const edges = new Map<string, Set<string>>();
  const witness = new Map<string, Import>();
  for (const imp of importsOf("core")) {
    assert.ok(imp.to.startsWith("core/"), `${imp.from} imports ${imp.to}, outside core/`);
    if (imp.from === "core/mod.ts") continue;
    const a = coreFolder(imp.from);
    const b = coreFolder(imp.to);
    if (a === b) continue;
    edges.set(a, (edges.get(a) ?? new Set()).add(b));
    witness.set(`${a}>${b}`, imp);
  }
  const cycle = findCycle(edges);
  const why = cycle?.slice(1).map((b, i) => {
    const imp = witness.get(`${cycle[i]}>${b}`)!;
    return `${imp.from} imports ${imp.to}`;
  });
  assert.equal(cycle, undefined, `core/ folders import in a cycle ${cycle?.join(" → ")}: ${why}`);
});

Deno.test("core/ holds only its entry module beside its folders", () => {
  const loose = [...Deno.readDirSync(join(ROOT, "core"))]
    .filter((e) => e.isFile && e.name !== "mod.ts").map((e) => e.name);
  assert.deepEqual(loose, []);
});

Deno.test("core/ does no I/O and imports no npm or JSR package", () => {
  for (const file of sources("core")) {
    for (const spec of specifiers(file)) {
      assert.ok(spec.startsWith("."), `${file} imports ${spec}`);
    }
    const code = Deno.readTextFileSync(join(ROOT, file)).split("\n")
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join("\n");
    for (
      const io of [
        /\bDeno\./,
        /\bconsole\./,
        /(?<![\w.])fetch\(/,
        /\bperformance\.now/,
        /\bDate\.now/,
      ]
    ) {
      assert.ok(!io.test(code), `${file} uses ${io.source}`);
    }
  }
});

Deno.test("reports/ imports nothing from core/ or experiments/", () => {
  for (const imp of importsOf("reports")) {
    assert.ok(imp.to.startsWith("reports/"), `${imp.from} imports ${imp.to}`);
  }
});

Deno.test("core/ and reports/ import nothing from experiments/", () => {
  for (const imp of [...importsOf("core"), ...importsOf("reports")]) {
    assert.ok(!imp.to.startsWith("experiments/"), `${imp.from} imports ${imp.to}`);
  }
});
