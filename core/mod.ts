/**
 * The vmlab machine model: TLBs, page-walk caches, radix page tables, native
 * and 2-D walkers, the MMU, cost profiles and seeded workloads. Pure
 * TypeScript with no I/O, so it runs anywhere JavaScript does.
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
 * @module
 */

export * from "./cost/cost_model.ts";
export * from "./cost/profiles.ts";
export * from "./cost/profile_reader.ts";
export * from "./base/config_error.ts";
export * from "./base/config_fields.ts";
export * from "./base/enumeration.ts";
export * from "./machine/build_machine.ts";
export * from "./machine/first_touch_guest.ts";
export * from "./machine/machine.ts";
export * from "./machine/machine_config.ts";
export * from "./machine/vcpu.ts";
export * from "./machine/world.ts";
export * from "./machine/dirty_log.ts";
export * from "./machine/access_cost.ts";
export * from "./workload/simulate.ts";
export * from "./cost/stats.ts";
export * from "./base/page_size.ts";
export * from "./base/exit_reason.ts";
export * from "./mem/frame_allocator.ts";
export * from "./mmu/tlb.ts";
export * from "./mmu/page_table.ts";
export * from "./mmu/page_walker.ts";
export * from "./mmu/native_walker.ts";
export * from "./mmu/nested_walker.ts";
export * from "./mmu/walk_cache.ts";
export * from "./mmu/walk_memory.ts";
export * from "./mmu/line_cache.ts";
export * from "./mmu/mmu.ts";
export * from "./base/access_chunk.ts";
export * from "./base/prng.ts";
export * from "./base/size.ts";
export * from "./workload/workloads.ts";
export * from "./workload/sampled_guest.ts";
export * from "./workload/working_set_accesses.ts";
export * from "./clock/event_clock.ts";
export * from "./clock/cycle_time.ts";
export * from "./mem/guest_memory.ts";
export * from "./snapshot/mod.ts";
export * from "./transfer/transport.ts";
export * from "./transfer/bandwidth_estimate.ts";
export * from "./transfer/storage_profile.ts";
export * from "./transfer/storage_device.ts";
export * from "./transfer/link_profile.ts";
export * from "./transfer/network_link.ts";
export * from "./transfer/page_mover.ts";
export * from "./mem/buddy_allocator.ts";
export * from "./mem/fragmentation.ts";
export * from "./mmu/demand_mapper.ts";
export * from "./mapping/memory_config.ts";
export * from "./mapping/guest_mapper.ts";
export * from "./mapping/host_mapper.ts";
export * from "./mapping/memory_system.ts";
export * from "./mem/host_memory.ts";
export * from "./mem/page_versions.ts";
export * from "./os/address_space.ts";
export * from "./os/access_stream.ts";
export * from "./os/guest_os.ts";
export * from "./os/os_event.ts";
export * from "./os/os_workloads.ts";
export * from "./os/platform.ts";
export * from "./os/table_path.ts";
export * from "./cost/hypervisor_work.ts";
export * from "./mmu/vcpu_mmu.ts";
export * from "./platforms/platform_kind.ts";
export * from "./platforms/registry.ts";
export * from "./platforms/hardware_platform.ts";
export * from "./platforms/native_platform.ts";
export * from "./platforms/nested_platform.ts";
export * from "./platforms/shadow_platform.ts";
export * from "./platforms/shadow/shadow_config.ts";
export * from "./platforms/shadow/shadow_core.ts";
export * from "./platforms/shadow/shadow_table.ts";
export * from "./platforms/shadow/shadow_walker.ts";
export * from "./platforms/shadow/tagged_tlb.ts";
export * from "./platforms/shadow/shadow_cache.ts";
export * from "./platforms/shadow/batched_fill.ts";
export * from "./platforms/shadow/lazy_flags.ts";
export * from "./platforms/shadow/out_of_sync.ts";
export * from "./platforms/shadow/pv_shootdown.ts";
