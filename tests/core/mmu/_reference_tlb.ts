// The obviously-correct model of a set-associative true-LRU TLB: each set is
// a list ordered from least to most recently used.
export interface RefEntry {
  key: number;
  tag: number;
  value: number;
  global: boolean;
}

export class ReferenceTlb {
  sets: RefEntry[][];
  constructor(readonly entries: number, readonly ways: number) {
    this.sets = Array.from({ length: entries === 0 ? 0 : entries / ways }, () => []);
  }
  #set(page: number): RefEntry[] | undefined {
    return this.sets.length === 0 ? undefined : this.sets[page % this.sets.length];
  }
  lookup(page: number, size: number, tag: number): number | undefined {
    const set = this.#set(page);
    if (!set) return undefined;
    const i = set.findIndex((e) => e.key === page * 4 + size && (e.tag === tag || e.global));
    if (i < 0) return undefined;
    const [e] = set.splice(i, 1);
    set.push(e);
    return e.value;
  }
  insert(page: number, size: number, tag: number, value: number, global: boolean): void {
    const set = this.#set(page);
    if (!set) return;
    const i = set.findIndex((e) => e.key === page * 4 + size && e.tag === tag);
    if (i >= 0) set.splice(i, 1);
    else if (set.length === this.ways) set.shift();
    set.push({ key: page * 4 + size, tag, value, global });
  }
  flushAll(): void {
    for (const set of this.sets) set.length = 0;
  }
  flushTag(tag: number): void {
    for (const set of this.sets) {
      const keep = set.filter((e) => e.tag !== tag || e.global);
      set.length = 0;
      set.push(...keep);
    }
  }
  flushNonGlobal(): void {
    for (const set of this.sets) {
      const keep = set.filter((e) => e.global);
      set.length = 0;
      set.push(...keep);
    }
  }
  flushPage(vpn: number, tag: number): void {
    for (let size = 0; size < 3; size++) {
      const page = Math.floor(vpn / 512 ** size);
      const set = this.#set(page);
      if (!set) return;
      const i = set.findIndex((e) => e.key === page * 4 + size && (e.tag === tag || e.global));
      if (i >= 0) set.splice(i, 1);
    }
  }
  count(): number {
    return this.sets.reduce((n, s) => n + s.length, 0);
  }
}
