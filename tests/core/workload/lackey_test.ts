import assert from "node:assert/strict";
import fc from "fast-check";
import { AccessKind, createAccessChunk } from "../../../core/base/access_chunk.ts";
import { type LackeyCounts, LackeyParser, TraceError } from "../../../core/workload/lackey.ts";

/** One access as [vpn, offset, size, kind]. */
type Access = [number, number, number, number];

/** What a parse gives: accesses and counts, or the line of the first error. */
type Outcome =
  | { accesses: Access[]; counts: LackeyCounts }
  | { errorLine: number; truncated: boolean };

const KINDS: Record<string, number> = {
  I: AccessKind.IFETCH,
  L: AccessKind.LOAD,
  S: AccessKind.STORE,
  M: AccessKind.MODIFY,
};

/**
 * The slow, obviously correct parser: split into lines, match each with a
 * regular expression, do address arithmetic in BigInt.
 */
function referenceParse(text: string, instructions: boolean): Outcome {
  const lines = text.split("\n");
  const terminated = text.endsWith("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const accesses: Access[] = [];
  const counts: LackeyCounts = {
    lines: lines.length,
    instructions: 0,
    loads: 0,
    stores: 0,
    modifies: 0,
    accesses: 0,
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const last = i === lines.length - 1 && !terminated;
    if (/^(==|--)/.test(line) || /^[ \t\r]*$/.test(line)) continue;
    const m = /^[ \t\r]*([ILSM])[ \t\r]+([0-9a-fA-F]+),([0-9]+)[ \t\r]*$/.exec(line);
    if (m === null || line.length > 4096) {
      const prefixOfRecord = /^[ \t\r]*[ILSM]([ \t\r]+([0-9a-fA-F]+,?)?)?$/.test(line) ||
        /^[=-]$/.test(line);
      return { errorLine: i + 1, truncated: last && prefixOfRecord };
    }
    const address = BigInt("0x" + m[2]);
    const size = Number(m[3]);
    if (address >> 12n > BigInt(Number.MAX_SAFE_INTEGER) || size < 1 || size > 512) {
      return { errorLine: i + 1, truncated: false };
    }
    const kind = KINDS[m[1]];
    if (kind === AccessKind.IFETCH) counts.instructions++;
    if (kind === AccessKind.LOAD) counts.loads++;
    if (kind === AccessKind.STORE) counts.stores++;
    if (kind === AccessKind.MODIFY) counts.modifies++;
    if (kind === AccessKind.IFETCH && !instructions) continue;
    const pieceBytes = size <= 255 ? size : 128;
    for (let done = 0; done < size; done += pieceBytes) {
      const at = address + BigInt(done);
      accesses.push([
        Number(at >> 12n),
        Number(at & 0xfffn),
        Math.min(pieceBytes, size - done),
        kind,
      ]);
    }
  }
  counts.accesses = accesses.length;
  return { accesses, counts };
}

/** Runs the fast parser over `bytes` cut at `cuts`, through chunks of `capacity`. */
function fastParse(
  bytes: Uint8Array,
  cuts: number[],
  capacity: number,
  instructions: boolean,
): Outcome {
  const parser = new LackeyParser({ source: "t.lackey", instructions });
  const chunk = createAccessChunk(capacity);
  const accesses: Access[] = [];
  const drain = (): void => {
    let full = parser.parse(chunk);
    for (;;) {
      assert.ok(chunk.length <= capacity);
      if (full) assert.ok(chunk.length > capacity - 4, "parse() said full with room left");
      if (!full && chunk.length === 0) return;
      if (full || chunk.length > 0) {
        for (let i = 0; i < chunk.length; i++) {
          accesses.push([chunk.vpn[i], chunk.offset[i], chunk.size[i], chunk.kind[i]]);
          assert.equal(chunk.space[i], 0);
        }
        chunk.length = 0;
      }
      if (!full) return;
      full = parser.parse(chunk);
    }
  };
  try {
    const points = [
      0,
      ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b),
      bytes.length,
    ];
    for (let i = 0; i + 1 < points.length; i++) {
      parser.feed(bytes.subarray(points[i], points[i + 1]));
      drain();
    }
    parser.end();
    drain();
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    const m = /^Cannot parse trace "t\.lackey": line (\d+): (.*)$/.exec(e.message);
    assert.ok(m !== null, `unexpected message ${e.message}`);
    assert.ok(!e.message.includes("\n"));
    return { errorLine: Number(m[1]), truncated: m[2] === "truncated record" };
  }
  return { accesses, counts: parser.counts };
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const SAMPLE = "==4242== Lackey, an example Valgrind tool\n" +
  "==4242== Command: ./a.out\n" +
  "\n" +
  "I  04000000,3\n" +
  " L 7ff000398,8\n" +
  " S 04016b00,8\n" +
  " M 0421d78,4\n" +
  "I  0400ab34,15\n" +
  " L fffffffffffff000,16\n" +
  "--4242-- a verbose message\n" +
  " S 7ff0000ff0,32\r\n" +
  " L 00000000,1\n" +
  " M 0403ffff,2";

Deno.test("LackeyParser reads every line kind, skips messages and blank lines, needs no final newline", () => {
  const out = fastParse(latin1(SAMPLE), [], 64, false);
  assert.ok("accesses" in out);
  assert.deepEqual(out.accesses, [
    [0x7ff000, 0x398, 8, AccessKind.LOAD],
    [0x4016, 0xb00, 8, AccessKind.STORE],
    [0x421, 0xd78, 4, AccessKind.MODIFY],
    [0xfffffffffffff, 0, 16, AccessKind.LOAD],
    [0x7ff0000, 0xff0, 32, AccessKind.STORE],
    [0, 0, 1, AccessKind.LOAD],
    [0x403f, 0xfff, 2, AccessKind.MODIFY],
  ]);
  assert.deepEqual(out.counts, {
    lines: 13,
    instructions: 2,
    loads: 3,
    stores: 2,
    modifies: 2,
    accesses: 7,
  });
});

Deno.test("LackeyParser emits instruction fetches when asked", () => {
  const out = fastParse(latin1(SAMPLE), [], 64, true);
  assert.ok("accesses" in out);
  assert.deepEqual(out.accesses[0], [0x4000, 0, 3, AccessKind.IFETCH]);
  assert.deepEqual(out.accesses[4], [0x400a, 0xb34, 15, AccessKind.IFETCH]);
  assert.equal(out.counts.accesses, 9);
});

Deno.test("LackeyParser splits an access above 255 bytes into 128-byte pieces", () => {
  const out = fastParse(latin1(" S 7fff0f80,512\n L 10,256\n"), [], 4, false);
  assert.ok("accesses" in out);
  assert.deepEqual(out.accesses, [
    [0x7fff0, 0xf80, 128, AccessKind.STORE],
    [0x7fff1, 0x000, 128, AccessKind.STORE],
    [0x7fff1, 0x080, 128, AccessKind.STORE],
    [0x7fff1, 0x100, 128, AccessKind.STORE],
    [0, 0x10, 128, AccessKind.LOAD],
    [0, 0x90, 128, AccessKind.LOAD],
  ]);
  assert.equal(out.counts.stores, 1);
});

Deno.test("LackeyParser gives the same result for the sample cut at every byte", () => {
  const bytes = latin1(SAMPLE);
  const whole = fastParse(bytes, [], 5, true);
  assert.deepEqual(whole, referenceParse(SAMPLE, true));
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.deepEqual(fastParse(bytes, [cut], 5, true), whole, `cut at byte ${cut}`);
  }
});

// Arbitraries of valid lines, with the whitespace and case lackey never
// writes but a hand-edited trace might.
const blanks = fc.array(fc.constantFrom(" ", "\t"), { minLength: 1, maxLength: 3 }).map((a) =>
  a.join("")
);
const hexDigits = fc.array(fc.constantFrom(..."0123456789abcdefABCDEF"), {
  minLength: 1,
  maxLength: 16,
}).map((a) => a.join(""));
const size = fc.oneof(
  fc.integer({ min: 1, max: 64 }),
  fc.integer({ min: 1, max: 512 }),
).chain((n) => fc.constantFrom(String(n), "0" + n));
const record = fc.tuple(
  fc.constantFrom("I", "L", "S", "M"),
  fc.constantFrom("", " ", "\t"),
  blanks,
  hexDigits,
  size,
  fc.constantFrom("", " ", "\r", " \t\r"),
).map(([kind, lead, gap, hex, sz, tail]) =>
  (kind === "I" ? "" : lead === "" ? " " : lead) + kind + gap + hex + "," + sz + tail
);
const message = fc.tuple(fc.constantFrom("==", "--"), fc.string({ maxLength: 30 })).map(
  ([m, rest]) => m + "123" + m + rest.replaceAll("\n", " "),
);
const validLine = fc.oneof(
  { weight: 8, arbitrary: record },
  { weight: 1, arbitrary: message },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\t\r") },
);
const validTrace = fc.tuple(fc.array(validLine, { maxLength: 60 }), fc.boolean()).map((
  [lines, newline],
) => lines.join("\n") + (newline && lines.length > 0 ? "\n" : ""));
const cutPoints = fc.array(fc.nat({ max: 4000 }), { maxLength: 12 });
const capacity = fc.integer({ min: 4, max: 40 });

Deno.test("LackeyParser agrees with the reference on random valid traces, however fed", () => {
  fc.assert(
    fc.property(
      validTrace,
      cutPoints,
      capacity,
      fc.boolean(),
      (text, cuts, cap, instructions) => {
        const expected = referenceParse(text, instructions);
        assert.ok("accesses" in expected, "the generator made an invalid trace");
        assert.deepEqual(fastParse(latin1(text), cuts, cap, instructions), expected);
      },
    ),
    { numRuns: 400 },
  );
});

Deno.test("LackeyParser agrees with the reference on every prefix of a valid trace (truncation)", () => {
  fc.assert(
    fc.property(validTrace, fc.nat(), cutPoints, capacity, (text, at, cuts, cap) => {
      const prefix = text.slice(0, text.length === 0 ? 0 : at % (text.length + 1));
      assert.deepEqual(fastParse(latin1(prefix), cuts, cap, true), referenceParse(prefix, true));
    }),
    { numRuns: 400 },
  );
});

const badLine = fc.oneof(
  record.map((r) => r.replace(/[ILSM]/, "X")),
  record.map((r) => r.replace(",", " ")),
  record.map((r) => r.replace(/,.*/, ",")),
  record.map((r) => r.replace(/,.*/, "")),
  record.map((r) => r.replace(/,\d+/, ",0")),
  record.map((r) => r.replace(/,\d+/, ",513")),
  record.map((r) => r.replace(",", "g,")),
  record.map((r) => r.replace(/([ILSM])[ \t]+/, "$1")),
  record.map((r) => r + " x"),
  record.map((r) => r.replace(/([ILSM][ \t]+)/, "$1f0000000000000000")),
  fc.constantFrom("=", "-", "=x", "hello", " L", "I", " S\t", "  ==1== indented"),
);
const badTrace = fc.tuple(
  fc.array(validLine, { maxLength: 30 }),
  badLine,
  fc.array(validLine, { maxLength: 30 }),
  fc.boolean(),
).map(([before, bad, after, newline]) =>
  [...before, bad, ...after].join("\n") + (newline ? "\n" : "")
);

Deno.test("LackeyParser reports the same line as the reference for a malformed line", () => {
  fc.assert(
    fc.property(badTrace, cutPoints, capacity, (text, cuts, cap) => {
      const expected = referenceParse(text, false);
      assert.ok(
        "errorLine" in expected,
        `the generator made a valid trace: ${JSON.stringify(text)}`,
      );
      assert.deepEqual(fastParse(latin1(text), cuts, cap, false), expected);
    }),
    { numRuns: 400 },
  );
});

function messageOf(text: string, source = "bad.lackey"): string {
  const parser = new LackeyParser({ source });
  const chunk = createAccessChunk(8);
  try {
    parser.feed(latin1(text));
    while (parser.parse(chunk)) chunk.length = 0;
    parser.end();
    while (parser.parse(chunk)) chunk.length = 0;
  } catch (e) {
    if (e instanceof TraceError) return e.message;
    throw e;
  }
  throw new Error("no error");
}

const MESSAGES: [string, string][] = [
  [" L 10,8\n X 10,8\n", 'line 2: expected a record starting with I, L, S or M in " X 10,8"'],
  [" L 10,8\nhello\n", 'line 2: expected a record starting with I, L, S or M in "hello"'],
  [" L 10,8\n\n L 1z,8\n", 'line 3: expected "," after the address in " L 1z,8"'],
  [" L zz,8\n", 'line 1: expected a hexadecimal address in " L zz,8"'],
  [" L10,8\n", 'line 1: expected a space after the kind in " L10,8"'],
  [" L 10\n L 10,8\n", 'line 1: expected "," and a size after the address in " L 10"'],
  [" L 10,\n", 'line 1: expected a decimal size after "," in " L 10,"'],
  [" L\n", 'line 1: expected an address after the kind in " L"'],
  [" L 10,0\n", 'line 1: size must be from 1 to 512 bytes in " L 10,0"'],
  [" L 10,99999999999\n", 'line 1: size must be from 1 to 512 bytes in " L 10,99999999999"'],
  [" L 10,8 x\n", 'line 1: unexpected text after the size in " L 10,8 x"'],
  [
    " L 20000000000000000,8\n",
    'line 1: address too large (page number above 2^53) in " L 20000000000000000,8"',
  ],
  [" L 10,8\n L 7ff0", "line 2: truncated record"],
  [" L 10,8\n S 7ff0,", "line 2: truncated record"],
  [" L 10,8\nI", "line 2: truncated record"],
  [" L 10,8\n L 7ff0 ", 'line 2: expected "," after the address in " L 7ff0 "'],
  [" L 10,8\n L 7ff0,0", 'line 2: size must be from 1 to 512 bytes in " L 7ff0,0"'],
];

for (const [text, problem] of MESSAGES) {
  Deno.test(`LackeyParser says "${problem}" for ${JSON.stringify(text)}`, () => {
    assert.equal(messageOf(text), `Cannot parse trace "bad.lackey": ${problem}`);
  });
}

Deno.test("LackeyParser quotes the source and cuts a long line in its message", () => {
  const message = messageOf(" L " + "q".repeat(100) + "\n", 'my "odd" trace');
  assert.ok(message.startsWith('Cannot parse trace "my \\"odd\\" trace": line 1: '));
  assert.ok(message.endsWith('qqq"…'));
  assert.ok(message.length < 160);
});

Deno.test("LackeyParser rejects a record line longer than 4096 bytes but skips a long message", () => {
  const long = " L " + "0".repeat(5000) + "1,8\n";
  assert.match(messageOf(long), /line 1: line longer than 4096 bytes$/);
  const parser = new LackeyParser({ source: "m" });
  const chunk = createAccessChunk(8);
  const text = latin1("==1== " + "x".repeat(10_000) + "\n L 1000,8\n");
  for (let i = 0; i < text.length; i += 1000) {
    parser.feed(text.subarray(i, i + 1000));
    while (parser.parse(chunk)) chunk.length = 0;
  }
  parser.end();
  while (parser.parse(chunk)) chunk.length = 0;
  assert.equal(chunk.length, 1);
  assert.equal(parser.counts.lines, 2);
});

Deno.test("LackeyParser refuses new input before the previous one is parsed", () => {
  const parser = new LackeyParser({ source: "x" });
  const chunk = createAccessChunk(4);
  parser.feed(latin1(" L 1,1\n".repeat(10)));
  assert.equal(parser.parse(chunk), true);
  assert.throws(() => parser.feed(latin1(" L 1,1\n")), /before parse\(\) consumed/);
  assert.throws(() => parser.end(), /before parse\(\) consumed/);
  assert.throws(() => parser.parse(createAccessChunk(3)), RangeError);
});
