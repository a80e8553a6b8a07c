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
