// A slow, obviously correct model of the cache hierarchy: each level a list
// of sets, each set an array of lines from least to most recently used. A
// line is looked up level by level; the level that holds it moves it to the
// end of its set; every level before it appends it, dropping its set's
// first line when the set is full. The last-level cache is one object the
// vCPUs' hierarchies share.

/** One set-associative, true-LRU level. */
export class ReferenceLevel {
  readonly sets: number[][];
  readonly ways: number;

  constructor(entries: number, ways: number) {
    this.ways = ways;
    const count = entries === 0 ? 0 : entries / ways;
    this.sets = Array.from({ length: count }, () => []);
  }

  /** Whether `line` is held; if so it becomes the most recently used of its set. */
  hit(line: number): boolean {
    if (this.sets.length === 0) return false;
    const set = this.sets[line % this.sets.length];
    const at = set.indexOf(line);
    if (at < 0) return false;
    set.splice(at, 1);
    set.push(line);
    return true;
  }

  /** Puts `line` in, evicting the least recently used line of a full set. */
  fill(line: number): void {
    if (this.sets.length === 0) return;
    const set = this.sets[line % this.sets.length];
    if (set.length === this.ways) set.shift();
    set.push(line);
  }
}

/** One vCPU's L1D and L2 over a shared LLC. */
export class ReferenceHierarchy {
  constructor(readonly levels: ReferenceLevel[]) {}

  /** The level (0 L1D, 1 L2, 2 LLC, 3 DRAM) that served `line`. */
  access(line: number): number {
    let level = 0;
    while (level < this.levels.length && !this.levels[level].hit(line)) level++;
    for (let l = 0; l < level; l++) this.levels[l].fill(line);
    return level;
  }
}
