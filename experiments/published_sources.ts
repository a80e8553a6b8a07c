/**
 * Citations of the published figures several reports' validation sections
 * compare with (shared/REFERENCES.md lists them with what each says), kept
 * in one place so that every report cites a source the same way.
 *
 * @module
 */

/** Big-memory workloads spend up to 51 % of execution time in TLB misses with 4K pages, up to 10 % with large pages. */
export const BASU_ISCA_2013 =
  'Basu, Gandhi, Chang, Hill, Swift, "Efficient virtual memory for big memory servers", ISCA 2013 (abstract and introduction)';

/** Translation overhead reaches 20–50 % of run time for large footprints with poor locality. */
export const PHAM_THESIS_2016 =
  'B. Pham, "Architectural support for efficient virtual memory on big-memory systems", PhD thesis, Rutgers, 2016 (abstract)';

/** A cold 2-D walk takes (n+1)(m+1)−1 references for n guest and m host levels. */
export const BHARGAVA_ASPLOS_2008 =
  'Bhargava, Serebrin, Spadini, Manne, "Accelerating two-dimensional page walks for virtualized systems", ASPLOS 2008';

/** Nested page-walk latency reaches hundreds of cycles under virtualization and co-location. */
export const MARGARITOV_THESIS_2021 =
  'A. Margaritov, "Improving Address Translation Performance in Virtualized Multi-Tenant Systems", PhD thesis, Edinburgh, 2021: nested page walk latency "can reach hundreds of cycles"';

/** Pre-copy live migration on Xen: downtimes as low as 60 ms (Quake 3 server) and 210 ms (SPECweb). */
export const CLARK_NSDI_2005 =
  'Clark, Fraser, Hand, Hansen, Jul, Limpach, Pratt, Warfield, "Live Migration of Virtual Machines", NSDI 2005 (abstract and §1)';

/** QEMU's default downtime limit (300 ms) and its stop rule: pending < measured bandwidth × limit. */
export const QEMU_MIGRATION_SOURCE =
  "QEMU source, migration/options.c (DEFAULT_MIGRATE_SET_DOWNTIME 300 ms) and migration/migration.c (migration_iteration_run: complete once pending_size < threshold_size = bandwidth × downtime_limit)";

/** Tuned KVM/QEMU live migration over 10 GbE: downtime 29 → 9 ms (idle guest), 26 → 5 ms (DPDK guest). */
export const OPNFV_LIVE_MIGRATION =
  "OPNFV kvmfornfv, docs/userguide/live_migration.userguide.rst: QEMU 2.4, Xeon E5-2699 v3, 10 GbE Intel X540, downtime target 10 ms; downtime 29 → 9 ms for an idle guest and 26 → 5 ms for a guest running DPDK L2 forwarding once tuned";

/** QEMU post-copy page-request latency, 4 KiB pages over 10 Gbit/s: 10.68 ms vanilla, 0.57 ms with postcopy-preempt. */
export const XU_POSTCOPY_PREEMPT_2022 =
  'Peter Xu, "[PATCH v2 00/25] migration: Postcopy Preemption", qemu-devel, 2022 (and the RFC cover letter): 20 GB guest, 40 vCPUs, 10 Gbps NIC, one thread dirtying 18 GB; 4 KiB page-request latency 10.68 ms vanilla, 0.57 ms with preemption';

/** The pre-copy model: rounds shrink geometrically by ρ = dirty rate / bandwidth; n* = ⌈ln(R·T/M) / ln ρ⌉ under QEMU's rule. */
export const AKOUSH_MASCOTS_2010 =
  'Akoush, Sohan, Rice, Moore, Hopper, "Predicting the Performance of Virtual Machine Migration", MASCOTS 2010 (the iterative pre-copy model; n* as derived in shared/references/vm-state.md §0)';

/** SnowFlock: sub-second VM cloning to hundreds of workers; children fetch the parent's memory on demand. */
export const SNOWFLOCK_EUROSYS_2009 =
  'Lagar-Cavilla, Whitney, Scannell, Patchin, Rumble, de Lara, Brudno, Satyanarayanan, "SnowFlock: Rapid Virtual Machine Cloning for Cloud Computing", EuroSys 2009, abstract: "sub-second VM cloning", scaling "to hundreds of workers"';

/** SnowFlock's remote page fetch: 275 µs per page over gigabit Ethernet, 82 % of it in the network stack (a secondary source). */
export const SNOWFLOCK_PAGE_FETCH =
  "SnowFlock's on-demand page fetch as summarised by a third party (shared/references/vm-state.md §3, tag S: an unnamed repository's page \"Remote fetch in prior systems\"): 275 µs per 4 KiB page over Gigabit Ethernet, 82 % of it in the network stack";

/** VMware Instant Clone: up to 64 clones on one host in under six seconds (a secondary source). */
export const INSTANT_CLONE_RATE =
  "VMware Instant Clone (vSphere 6.0, Project Fargo) as reported by the cloudconnectlive.com blog (shared/references/vm-state.md §3, tag S): up to 64 VMs on a single host in under six seconds";

/** Remus: Xen checkpoints of a running VM to a backup up to 40 times a second, outputs held until acknowledged. */
export const REMUS_NSDI_2008 =
  'Cully et al., "Remus: High Availability via Asynchronous Virtual Machine Replication", NSDI 2008 (IBM x306, 3.2 GHz Pentium 4, Xen 3.1.2, a 512 MB protected VM, GbE replication link, §3.1)';

/** RemusDB: Remus protecting a DBMS costs up to 32 % of its performance; optimised, failover takes 3 s. */
export const REMUSDB_VLDBJ_2013 =
  'Minhas et al., "RemusDB: transparent high availability for database systems", VLDB J. 22(1):29–45, 2013, abstract: Remus\'s overhead for a DBMS "up to 32 %"; optimised, 3 s failover downtime';

/** Hyper-V Replica's replication frequencies: 30 s, 5 min or 15 min. */
export const HYPERV_REPLICA_FREQUENCY =
  'MS Learn, Azure Local "replication-failover-virtual-machines", and Azure Site Recovery Hyper-V docs ("copy frequency"): Hyper-V Replica sends changes every 30 s, 5 min or 15 min';

/** Azure Site Recovery (Azure to Azure): crash-consistent recovery points every five minutes. */
export const ASR_RECOVERY_POINTS =
  'MicrosoftDocs/azure-docs, site-recovery concepts (A2A architecture / recovery points): "Site Recovery creates crash-consistent recovery points every five minutes by default. This setting can\'t be modified."';

/** Remus: mapping a foreign page took about as long as copying it. */
export const REMUS_MAP_VS_COPY =
  'Cully et al., "Remus: High Availability via Asynchronous Virtual Machine Replication", NSDI 2008, §2.3: "mapping foreign pages took approximately the same time as copying them" (Xen 3.1, Pentium 4)';

/** Xen netback moved from page flipping to copying: copying beats flipping for average packet sizes. */
export const CHISNALL_XEN_2007 =
  'D. Chisnall, "The Definitive Guide to the Xen Hypervisor" (2007), ch. 9 "Copying versus Flipping": "for the size of data of an average network packet, it is faster to copy the data than suffer the hit from invalidating the cache"';

/** Menon et al.: replacing remapping by copying (with other optimisations) raised guest receive throughput 18 %. */
export const MENON_ATC_2006 =
  'Menon, Cox, Zwaenepoel, "Optimizing Network Virtualization in Xen", USENIX ATC 2006, abstract: guest receive +18 % (driver domain +35 %, transmit 4.4×), page remapping replaced by copying on the receive path among other optimisations';

/** Xen grant copy against persistently mapped grants: 2.04 Mpps mapped, about half with grant copy (64 B packets). */
export const MARTINS_GREF_RX =
  'Joao Martins, commit "xen-netback: use gref mappings for Rx requests" (Oracle UEK): pktgen, 64-byte packets, burst 1: 2.04 Mpps with mapped grants against "half of it with grant copy"';

/** virtio's EVENT_IDX and VMBus's empty → non-empty rule: about one notification per batch. */
export const NOTIFICATION_SUPPRESSION =
  "virtio 1.x split-ring.tex (VIRTIO_RING_F_EVENT_IDX: notify only when the index crosses the event index, about one notification per batch); Linux drivers/hv/ring_buffer.c hv_signal_on_write (signal only on empty → non-empty, unless masked); shared/references/vm-state.md §5";

/** Exitless paravirtual I/O: +45 % throughput and 25 µs lower latency with guest and hypervisor on separate cores. */
export const EXITLESS_PV_IO_SYSTOR_2012 =
  'Gordon et al. (IBM), "Towards exitless and efficient paravirtual I/O", SYSTOR 2012, abstract: throughput +45 %, latency −25 µs';

/** SplitX: a VM exit's direct cost is about 2,000 cycles on Nehalem. */
export const SPLITX_WIOV_2011 =
  'Landau, Ben-Yehuda, Gordon, "SplitX: Split Guest/Hypervisor Execution on Multi-Core", WIOV 2011, Table 1 text: direct cost of an exit about 2,000 cycles (Xeon X5570, KVM, EPT+VPID)';
