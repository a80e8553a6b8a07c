// The two hosts of a migration, the machines on them, and the guest that
// runs on the source and then on the destination (private to core/migration).

import { PAGE_BYTES as PAGE_SIZE_BYTES, PageSize } from "../base/page_size.ts";
import type { CostModel } from "../cost/cost_model.ts";
import type { Machine } from "../machine/machine.ts";
import type { MachineConfig } from "../machine/machine_config.ts";
import { World } from "../machine/world.ts";
import type { MigrationSettings } from "./migration_params.ts";

/** Bytes in a guest page (migration moves 4 KiB pages). */
export const PAGE_BYTES: number = PAGE_SIZE_BYTES[PageSize.SIZE_4K];

/** Methods that log dirty pages and iterate before the switch. */
export function iterates(s: MigrationSettings): boolean {
  return s.method === "pre-copy" || s.method === "hybrid";
}

/** Methods that run the guest on the destination before all of its memory is there. */
export function postcopies(s: MigrationSettings): boolean {
  return s.method === "post-copy" || s.method === "hybrid";
}

/**
 * The page size the destination backs guest memory with: the source's for
 * a destination that receives everything before the guest runs there (its
 * RAM is THP-backed like the source's), 4 KiB for post-copy — QEMU turns
 * transparent huge pages off on the destination's RAM while it places
 * pages one by one with userfaultfd (`ram_block_enable_notify` madvises
 * `MADV_NOHUGEPAGE`; recalled from QEMU's migration/postcopy-ram.c, not
 * re-read), and only khugepaged, later, collapses them.
 */
export function destHostPage(s: MigrationSettings): "4k" | "2m" | "1g" {
  return postcopies(s) ? "4k" : s.hostPage;
}

/** The source and destination on one clock. */
export interface Hosts {
  /** The world both hosts are in. */
  world: World;
  /** The machine the guest runs on before the switch. */
  source: Machine;
  /** The machine it runs on after. */
  dest: Machine;
}

/** Builds both hosts and their machines; guest memory is backed on both, as a resident guest's is. */
export function buildHosts(s: MigrationSettings, cost: CostModel): Hosts {
  const world = new World();
  const common: MachineConfig = {
    platform: s.platform,
    vcpus: s.vcpus,
    guestMemoryPages: s.pages,
  };
  const source = world.addMachine(
    {
      ...common,
      hostPage: s.hostPage,
      ...(iterates(s) ? { dirtyLog: { method: s.dirtyLog } } : {}),
    },
    cost,
    world.addHost(),
  );
  const dest = world.addMachine({ ...common, hostPage: destHostPage(s) }, cost, world.addHost());
  source.backGuestMemory(s.pages);
  dest.backGuestMemory(s.pages);
  return { world, source, dest };
}
