import assert from "node:assert/strict";
import { MIGRATION_OPTIONS_FIELDS } from "../../../core/migration/migration_params.ts";
import { LINK_PROFILE_NAMES } from "../../../core/transfer/link_profile.ts";
import { describeParameter } from "../../../experiments/experiment.ts";
import { MIGRATION } from "../../../experiments/migration/experiment.ts";
import {
  fitsInLimit,
  linkMibS,
  type Variant,
  VARIANT_NAMES,
  VARIANTS,
  wwsPair,
} from "../../../experiments/migration/grid.ts";
import { variantOf } from "../../../experiments/migration/_labels.ts";
import { EXPERIMENTS } from "../../../experiments/registry.ts";

const grids = MIGRATION.grids;
const migrations = (grid: typeof grids.quick) => grid.filter((p) => p.phase === "migrate");
const quick = migrations(grids.quick);
const full = migrations(grids.full);
const migrating = (grid: typeof quick) => grid.filter((p) => p.link_fail_ms === 0);

Deno.test("migration is registered; the quick grid runs every variant but Xen's legacy rule, the full grid every one", () => {
  assert.equal(EXPERIMENTS.migration, MIGRATION);
  assert.equal(MIGRATION.grids.default, "quick");
  for (const name of VARIANT_NAMES) {
    assert.ok(full.some((p) => variantOf(p) === name), `full grid lacks ${name}`);
    assert.equal(
      quick.some((p) => variantOf(p) === name),
      name !== "pre-copy-xen-legacy",
      `quick grid and ${name}`,
    );
  }
  assert.ok(full.every((p) => variantOf(p) !== "other"), "every point is one of the variants");
  assert.ok(full.some((p) => p.dirty_log === "pml"), "PML against write protection");
  for (const p of full) {
    assert.deepEqual([p.children, p.placement, p.prefetch, p.multicast], [0, "none", false, false]);
  }
});

Deno.test("migration's grids fork a parent into children, local and remote, with and without prefetch", () => {
  for (
    const [grid, children] of [[grids.quick, [1, 4, 16]], [grids.full, [1, 4, 16, 64]]] as const
  ) {
    const forks = grid.filter((p) => p.phase === "fork");
    assert.deepEqual([...new Set(forks.map((p) => p.children))], children);
    assert.deepEqual([...new Set(forks.map((p) => p.placement))], ["local", "remote"]);
    assert.deepEqual([...new Set(forks.map((p) => p.prefetch))], [false, true]);
    for (const p of forks) {
      assert.equal(p.method, "fork");
      assert.equal(p.link === "none", p.placement === "local");
      assert.equal(variantOf(p), "other");
    }
    assert.ok(forks.some((p) => p.link === "1gbe"), "SnowFlock's gigabit link");
  }
  assert.ok(grids.full.some((p) => p.multicast));
  assert.ok(!grids.quick.some((p) => p.multicast));
});

Deno.test("migration's quick grid keeps to 1 GiB on 10 GbE and stays small", () => {
  assert.deepEqual([...new Set(quick.map((p) => p.link))], ["10gbe"]);
  assert.deepEqual([...new Set(quick.map((p) => p.memory_gib))], [1]);
  assert.ok(quick.length <= 60, `${quick.length} points`);
});

Deno.test("migration's full grid: three links, 1 and 4 GiB, rates below and above each link's bandwidth", () => {
  assert.deepEqual([...new Set(full.map((p) => p.link))], [...LINK_PROFILE_NAMES]);
  assert.deepEqual([...new Set(full.map((p) => p.memory_gib))].sort(), [1, 4]);
  for (const grid of [quick, full]) {
    for (const link of new Set(grid.map((p) => p.link))) {
      const rates = migrating(grid).filter((p) => p.link === link).map((p) => p.dirty_rate_mib_s);
      assert.ok(Math.min(...rates) < linkMibS(link), `${link}: a rate below its bandwidth`);
      assert.ok(Math.max(...rates) > 2 * linkMibS(link), `${link}: a rate well above it`);
    }
  }
});

Deno.test("migration's grids: each link and memory size has a writable working set that fits in bandwidth × 300 ms and one that does not", () => {
  for (const grid of [quick, full]) {
    const pairs = new Set(migrating(grid).map((p) => `${p.link}/${p.memory_gib}`));
    for (const pair of pairs) {
      const [link, gib] = pair.split("/");
      const wws = [
        ...new Set(
          migrating(grid).filter((p) => p.link === link && p.memory_gib === Number(gib))
            .map((p) => p.wws_fraction),
        ),
      ];
      assert.deepEqual(wws, wwsPair(link, Number(gib)), pair);
      const fits = fitsInLimit(link, Number(gib));
      assert.ok(wws.some((w) => w < fits) && wws.some((w) => w > fits), pair);
    }
  }
  assert.ok(Math.abs(fitsInLimit("10gbe", 1) - 1.25e9 * 0.3 / 2 ** 30) < 1e-12);
});

Deno.test("migration's grids have link-failure points for stop-and-copy, pre-copy, post-copy and hybrid", () => {
  for (const grid of [quick, full]) {
    const failing = grid.filter((p) => p.link_fail_ms > 0);
    assert.deepEqual(
      failing.map((p) => p.method).sort(),
      ["hybrid", "post-copy", "pre-copy", "stop-and-copy"],
    );
  }
});

Deno.test("migration's variants set only the options their method uses", () => {
  for (const [name, v] of Object.entries(VARIANTS) as [string, Variant][]) {
    const iterates = v.method === "pre-copy" || v.method === "hybrid";
    assert.equal(v.stop_rule !== "none", iterates, name);
    assert.equal(v.dirty_log !== "none", iterates, name);
    if (v.preempt) assert.ok(v.method === "post-copy" || v.method === "hybrid", name);
    if (v.auto_converge) assert.equal(v.stop_rule, "qemu", name);
  }
});

Deno.test("migration's parameters it shares with the options are described as the options declare them", () => {
  assert.equal(
    MIGRATION.parameters.dirty_rate_mib_s,
    describeParameter(MIGRATION_OPTIONS_FIELDS, "dirtyRateMibS"),
  );
  assert.equal(
    MIGRATION.parameters.wws_fraction,
    MIGRATION_OPTIONS_FIELDS.wwsFraction.description,
  );
  assert.match(MIGRATION.parameters.memory_gib, /, in GiB$/);
  assert.match(MIGRATION.parameters.stop_rule, /^when pre-copy pauses the guest/);
});
