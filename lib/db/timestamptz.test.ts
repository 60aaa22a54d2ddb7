// timestamptz values as lib/db.ts reads them: the same instants pg's own parser gives, for
// the text PostgreSQL really sends (sessions here are in UTC), odd values included.
import { describe, expect, it } from "vitest";
import pg from "pg";
import { parseTimestamptz, pooled } from "@/lib/db";

const pgParse = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, "text") as (v: string) => Date;

const VALUES = [
  "2026-12-06 23:36:53.523456+00",
  "2026-12-06 23:36:53.5+00",
  "2026-12-06 23:36:53.999999+00",
  "2000-02-29 00:00:00+00",
  "1970-01-01 00:00:00+00",
  "1969-12-31 23:59:59.000001+00",
  "0044-03-15 12:00:00+00 BC",
  "12026-01-01 00:00:00+00",
  "infinity",
  "-infinity",
];

describe("timestamptz", () => {
  it("reads what PostgreSQL sends as pg's parser does", async () => {
    const rows = await pooled().$queryRaw<Array<{ text: string; value: Date | number }>>`
      SELECT v::timestamptz::text AS text, v::timestamptz AS value FROM unnest(${VALUES}::text[]) AS v`;
    expect(rows.map((r) => r.text)).toEqual(VALUES); // the session's own text for each
    for (const row of rows) {
      const expected = pgParse(row.text);
      expect(String(parseTimestamptz(row.text)), row.text).toBe(String(expected));
      expect(String(row.value), row.text).toBe(String(expected));
    }
  });

  it("reads an offset other than UTC's (a session not set to UTC) as pg's parser does", () => {
    for (const text of ["2026-12-06 23:36:53.523+05:30", "2026-12-06 23:36:53-08", "2026-12-06 23:36:53.12+00:00"])
      expect(parseTimestamptz(text).getTime(), text).toBe(pgParse(text).getTime());
  });
});
