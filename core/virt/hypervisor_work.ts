/**
 * The profiles' estimates of guest-kernel and hypervisor work: shadow-table
 * maintenance done inside an exit already charged (resynchronising a page,
 * prefetching an entry, propagating flags), and the native cost of an
 * inter-processor interrupt. They are the defaults of the `CostModel` fields
 * `shadowResyncPageCycles`, `shadowPrefetchEntryCycles`,
 * `shadowPropagatePageCycles` and `ipiRoundTripCycles`, which a JSON profile
 * can override. No primary measurement was found for any of them; each line
 * says what its estimate rests on.
 *
 * @module
 */

/**
 * Hypervisor cycles to resynchronise one out-of-sync guest table page with
 * its shadow: compare up to 512 guest entries with their shadow entries and
 * zap the ones that changed (KVM `kvm_sync_page`). Estimate: 512 entries at
 * about 4 cycles each (two loads, a compare, a rarely taken branch).
 */
export const RESYNC_PAGE_CYCLES = 2048;

/**
 * Hypervisor cycles to prefetch one more shadow entry from the guest table
 * page a hidden fault already read (KVM `FNAME(pte_prefetch)`): read the
 * neighbouring guest entry, look up its host page, write the shadow entry.
 * Estimate: a few tens of cycles for lines already in cache.
 */
export const PREFETCH_ENTRY_CYCLES = 20;

/**
 * Hypervisor cycles to copy the accessed/dirty flags the hardware set in one
 * shadow table page back into the guest's table page (512 entries). Estimate,
 * the same per-entry cost as {@linkcode RESYNC_PAGE_CYCLES}.
 */
export const PROPAGATE_PAGE_CYCLES = 2048;

/**
 * Guest-kernel cycles of one TLB-shootdown IPI to one target, natively:
 * send, remote interrupt and flush handler, acknowledgement wait. Estimate
 * from secondary sources only ("an IPI round-trip is ~1–3 µs on modern
 * Xeons", several engineering blogs, 2024–2026): 1.5 µs at about 2 GHz.
 * Charged in every mode; virtualised modes add the exits on top.
 */
export const IPI_ROUND_TRIP_CYCLES = 3000;
