import assert from "node:assert/strict";
import fc from "fast-check";
import { Ring } from "../../../core/bus/ring.ts";

/**
 * The obviously-correct ring: a list of packets, published or not, and a
 * byte budget. Free space is the data area less what is put and not yet
 * freed by the reader, and one byte always stays free.
 */
class ReferenceRing {
  readonly size: number;
  // Packets put, oldest first: [id, bytes, published?, taken?]
  packets: { id: number; bytes: number; published: boolean; taken: boolean }[] = [];
  constructor(size: number) {
    this.size = size;
  }
  #held(): number {
    // Bytes the writer may not reuse: everything put and not yet freed by an advance.
    return this.packets.reduce((sum, p) => sum + p.bytes, 0);
  }
  free(): number {
    return this.size - this.#held();
  }
  fits(bytes: number): boolean {
    return bytes < this.free();
  }
  put(id: number, bytes: number): void {
    this.packets.push({ id, bytes, published: false, taken: false });
  }
  publish(): void {
    for (const p of this.packets) p.published = true;
  }
  available(): boolean {
    return this.packets.some((p) => p.published && !p.taken);
  }
  take(): number {
    const p = this.packets.find((q) => !q.taken)!;
    p.taken = true;
    return p.id;
  }
  advance(): void {
    this.packets = this.packets.filter((p) => !p.taken);
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant("put" as const), bytes: fc.integer({ min: 1, max: 90 }) }),
  fc.constant({ kind: "publish" as const }),
  fc.constant({ kind: "take" as const }),
  fc.constant({ kind: "advance" as const }),
);

Deno.test("the ring agrees with the reference on free space, availability and packet order, wrapping included", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const size = 256;
      const fast = new Ring(size);
      const ref = new ReferenceRing(size);
      let id = 0;
      for (const o of ops) {
        if (o.kind === "put") {
          const bytes = o.bytes * 8 % size || 8;
          assert.equal(fast.fits(bytes), ref.fits(bytes));
          if (!ref.fits(bytes)) {
            assert.throws(() => fast.put(id, bytes), /ring overrun/);
            continue;
          }
          fast.put(id, bytes);
          ref.put(id, bytes);
          id++;
        } else if (o.kind === "publish") {
          fast.publish();
          ref.publish();
        } else if (o.kind === "take") {
          assert.equal(fast.available(), ref.available());
          if (!ref.available()) {
            assert.throws(() => fast.take(), /underrun/);
            continue;
          }
          assert.equal(fast.take(), ref.take());
        } else {
          fast.advance();
          ref.advance();
        }
        assert.equal(fast.free(), ref.free());
        assert.equal(fast.available(), ref.available());
      }
    }),
    { numRuns: 300 },
  );
});

Deno.test("a ring never overwrites unread data: a packet as large as the free space is refused", () => {
  const ring = new Ring(4096);
  ring.put(0, 4000);
  ring.publish();
  assert.equal(ring.free(), 96);
  assert.equal(ring.fits(96), false, "one byte always stays free");
  assert.throws(() => ring.put(1, 96), /ring overrun: a 96-byte packet with 96 bytes free/);
  ring.put(1, 88);
  ring.publish();
  assert.equal(ring.take(), 0);
  assert.equal(ring.free(), 8, "taken but not advanced: still held");
  ring.advance();
  assert.equal(ring.free(), 4008);
});

Deno.test("the header moves as VMBus's does: the write index on publish, the read index on advance", () => {
  const ring = new Ring(1024);
  ring.put(5, 100);
  assert.equal(ring.writeIndex, 0, "not published");
  assert.equal(ring.publish(), 0);
  assert.equal(ring.writeIndex, 100);
  assert.equal(ring.published, 1);
  ring.take();
  assert.equal(ring.readIndex, 0);
  assert.equal(ring.advance(), 1024 - 100, "free before, as the reader saw it");
  assert.equal(ring.readIndex, 100);
  assert.equal(ring.taken, 1);
});
