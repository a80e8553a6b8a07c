import assert from "node:assert/strict";
import fc from "fast-check";
import { columnsOf, csvField, toCsv } from "../../reports/csv.ts";
import type { Row } from "../../reports/report_section.ts";

/** A slow, obviously-correct RFC 4180 reader: a state machine over characters. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  assert.equal(field, "", "text must end with CRLF");
  return records;
}

Deno.test("csvField() quotes fields with commas, quotes, line breaks or edge spaces", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\rhere"), '"cr\rhere"');
  assert.equal(csvField(" lead"), '" lead"');
  assert.equal(csvField("trail "), '"trail "');
  assert.equal(csvField(""), "");
});

Deno.test("toCsv() writes a header row and one CRLF line per row, empty for absent fields", () => {
  const rows: Row[] = [{ a: 1, b: "x,y" }, { a: 2.5, c: true }];
  assert.equal(toCsv(rows), 'a,c,b\r\n1,,"x,y"\r\n2.5,true,\r\n');
});

Deno.test("columnsOf() puts a field first met in a later row after the field before it there", () => {
  assert.deepEqual(columnsOf([{ a: 1, c: 1 }, { a: 1, b: 1, c: 1 }]), ["a", "b", "c"]);
  assert.deepEqual(columnsOf([{ a: 1 }, { d: 1, a: 1 }]), ["a", "d"]);
});

Deno.test("toCsv() round-trips any strings through an RFC 4180 reader", () => {
  const key = fc.string({ minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(
      fc.uniqueArray(key, { minLength: 1, maxLength: 4 }),
      fc.array(
        fc.array(fc.string({ unit: "binary", maxLength: 12 }), { minLength: 4, maxLength: 4 }),
        {
          maxLength: 5,
        },
      ),
      (columns, values) => {
        const rows: Row[] = values.map((v) => Object.fromEntries(columns.map((c, i) => [c, v[i]])));
        const parsed = parseCsv(toCsv(rows, columns));
        assert.deepEqual(parsed, [columns, ...values.map((v) => v.slice(0, columns.length))]);
      },
    ),
  );
});
