// The API's JSON answers: bigints (token counts, durations read from the database) go out as
// numbers, whether or not the rest of the answer has any.
import { describe, expect, it } from "vitest";
import { json } from "@/lib/api/handler";

describe("json()", () => {
  it("writes bigints as numbers, nested or not, and everything else as JSON.stringify does", async () => {
    const res = json({ tokens: 12n, rows: [{ ms: 3n, name: "a" }], cost: 0.5, none: null }, 201);
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.text()).toBe('{"tokens":12,"rows":[{"ms":3,"name":"a"}],"cost":0.5,"none":null}');
    expect(await json({ plain: ["x", 1, true] }).text()).toBe('{"plain":["x",1,true]}');
  });

  it("still throws on what JSON cannot hold (a cycle)", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => json(cyclic)).toThrow(TypeError);
  });
});
