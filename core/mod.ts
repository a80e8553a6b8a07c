/**
 * The vmlab machine model: one machine built from one configuration — a
 * platform (native, nested, shadow), vCPUs with their own TLBs and walk
 * caches, guest and host memory — cost profiles, seeded workloads and trace
 * readers, the discrete-event clock, transports, the snapshot and restore
 * mechanisms, live migration, replication to a backup host and the partition bus. Pure TypeScript with no I/O, so it runs anywhere JavaScript does.
 *
 * This entry holds the public API and the types its signatures name.
 * Implementations chosen by name stay internal (the native, nested and
 * shadow platform classes, the 2-D and shadow walkers), and so do helpers
 * of one folder (fragmenting host memory, the hypervisor's work constants).
 *
 * @example Nested paging costs more walk references than native
 * ```ts
 * import { createWorkload, getProfile, simulate } from "./mod.ts";
 *
 * const cost = getProfile("intel-skylake-sp");
 * const run = (platform: "native" | "nested") =>
 *   simulate({ platform }, cost, createWorkload("random", {
 *     accesses: 100_000,
 *     footprintBytes: 1 << 30,
 *     seed: 7,
 *   }));
 * const native = run("native");
 * const nested = run("nested");
 * console.log(nested.counters.walk_refs / native.counters.walk_refs);
 * ```
 *
 * @example A concurrent snapshot pauses the guest far less than stop-and-copy
 * ```ts
 * import { getProfile, runSnapshot } from "./mod.ts";
 *
 * const cost = getProfile("amd-zen3");
 * const options = { memoryGib: 0.0625, batchPages: 64, storage: "nvme-ssd", jobMs: 5 };
 * const cow = runSnapshot({ ...options, method: "concurrent-cow" }, cost, 1);
 * const stop = runSnapshot({ ...options, method: "stop-and-copy" }, cost, 1);
 * console.log(`pause ${cow.pause_ms} ms against ${stop.pause_ms} ms`);
 * if (!(cow.pause_ms < stop.pause_ms) || cow.lost_pages !== 0) throw new Error();
 * ```
 *
 * @module
 */

// The base layer: page sizes, sizes in text, enumerations, exit reasons, access chunks, the
// seeded PRNG, and the one configuration error and validator.
export * from "./base/page_size.ts";
export * from "./base/exit_reason.ts";
export * from "./base/access_chunk.ts";
export * from "./base/prng.ts";
export * from "./base/size.ts";
export * from "./base/enumeration.ts";
export * from "./base/config_error.ts";
export * from "./base/config_fields.ts";

// Costs: the cost model, named profiles, JSON profiles, counters and cycle categories.
export * from "./cost/cost_model.ts";
export * from "./cost/bus_costs.ts";
export * from "./cost/profiles.ts";
export * from "./cost/profile_reader.ts";
export * from "./cost/stats.ts";

// The cache hierarchy data accesses and page-walk references go through.
export * from "./caches/cache_level.ts";
export * from "./caches/line_cache.ts";
export * from "./caches/cache_port.ts";
export * from "./caches/cache_hierarchy.ts";

// The discrete-event clock.
export * from "./clock/event_clock.ts";
export * from "./clock/cycle_time.ts";

// Memory: frames, the buddy allocator, guest and host memory, page versions.
export * from "./mem/frame_allocator.ts";
export * from "./mem/buddy_allocator.ts";
export * from "./mem/guest_memory.ts";
export * from "./mem/host_memory.ts";
export * from "./mem/page_versions.ts";
export * from "./mem/table_frames.ts";

// Translation: TLBs, walk caches, page tables, the MMU (the types a machine's vCPUs expose).
export * from "./mmu/tlb.ts";
export * from "./mmu/walk_cache.ts";

export * from "./mmu/walk_memory.ts";
export * from "./mmu/page_table.ts";
export * from "./mmu/demand_mapper.ts";
export * from "./mmu/page_walker.ts";
export * from "./mmu/native_walker.ts";
export * from "./mmu/mmu.ts";

// Guest and host mappings, with the hypervisor's opportunistic large pages.
export * from "./mapping/memory_config.ts";
export * from "./mapping/guest_mapper.ts";
export * from "./mapping/host_mapper.ts";
export * from "./mapping/memory_system.ts";
export * from "./mapping/promotion_agent.ts";

// The guest OS model and OS workloads.
export * from "./os/address_space.ts";
export * from "./os/os_event.ts";
export * from "./os/os_workloads.ts";
export * from "./os/guest_os.ts";
export * from "./os/platform.ts";
export * from "./os/shootdown.ts";
export * from "./os/trace_processes.ts";

// Platforms by name; the shadow strategies (named in a machine configuration) and the types they expose.
export * from "./platforms/platform_kind.ts";
export * from "./platforms/registry.ts";
export * from "./platforms/hardware_platform.ts";
export * from "./platforms/shadow/shadow_config.ts";
export * from "./platforms/shadow/shadow_core.ts";
export * from "./platforms/shadow/shadow_table.ts";
export * from "./platforms/shadow/tagged_tlb.ts";
export * from "./platforms/shadow/shadow_cache.ts";
export * from "./platforms/shadow/batched_fill.ts";
export * from "./platforms/shadow/lazy_flags.ts";
export * from "./platforms/shadow/out_of_sync.ts";
export * from "./platforms/shadow/pv_shootdown.ts";

// The one machine: configuration, builder, vCPUs, hosts shared by machines, dirty logging.
export * from "./machine/machine_config.ts";
export * from "./machine/build_machine.ts";
export * from "./machine/machine.ts";
export * from "./machine/exit_counts.ts";
export * from "./machine/vcpu.ts";
export * from "./machine/first_touch_guest.ts";
export * from "./machine/world.ts";
export * from "./machine/dirty_log.ts";
export * from "./machine/access_cost.ts";
export * from "./machine/populate.ts";

// Workloads: generators, traces (lackey, ChampSim, vmtrace), the sampled guest, simulate().
export * from "./workload/workloads.ts";
export * from "./workload/lackey.ts";
export * from "./workload/champsim.ts";
export * from "./workload/vmtrace.ts";
export * from "./workload/trace_format.ts";
export * from "./workload/trace_error.ts";
export * from "./workload/sampled_guest.ts";
export * from "./workload/simulate.ts";
export * from "./workload/steady_state.ts";
export * from "./workload/translation_sample.ts";

// Transfers: transports, storage devices, network links, the page mover.
export * from "./transfer/transport.ts";
export * from "./transfer/bandwidth_estimate.ts";
export * from "./transfer/storage_profile.ts";
export * from "./transfer/storage_device.ts";
export * from "./transfer/link_profile.ts";
export * from "./transfer/network_link.ts";
export * from "./transfer/page_mover.ts";
export * from "./transfer/preempt_channel.ts";
export * from "./transfer/link_outage.ts";

// Concurrent snapshot and batched restore.
export * from "./snapshot/mod.ts";

// Live migration between two hosts.
export * from "./migration/mod.ts";

// Replication to a backup host and failover.
export * from "./replication/mod.ts";

// The partition bus between a guest and the host partition.
export * from "./bus/mod.ts";
