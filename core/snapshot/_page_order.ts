// The orders in which a mechanism moves pages (private to core/snapshot).

/**
 * Page order with the working set first (`hotFirst`) or last, each part
 * ascending; returns the order and its inverse (position of each page).
 */
export function workingSetOrder(
  inWorkingSet: Uint8Array,
  hotFirst: boolean,
): { order: Uint32Array; pos: Uint32Array } {
  const n = inWorkingSet.length;
  const order = new Uint32Array(n);
  const pos = new Uint32Array(n);
  let k = 0;
  const firstMark = hotFirst ? 1 : 0;
  for (let pass = 0; pass < 2; pass++) {
    const mark = pass === 0 ? firstMark : 1 - firstMark;
    for (let p = 0; p < n; p++) {
      if (inWorkingSet[p] === mark) {
        pos[p] = k;
        order[k++] = p;
      }
    }
  }
  return { order, pos };
}

/** Identity order and its inverse. */
export function addressOrder(n: number): { order: Uint32Array; pos: Uint32Array } {
  const order = new Uint32Array(n);
  for (let p = 0; p < n; p++) order[p] = p;
  return { order, pos: order };
}
