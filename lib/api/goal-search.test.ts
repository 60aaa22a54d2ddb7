// Finding goals (issue 10, part 6): GET /api/goals with status, text search and keyset pages,
// on PostgreSQL; and the same migration and search SQL on the embedded PGlite.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { beforeAll, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { db } from "@/lib/db";
import { searchQuery } from "@/lib/presenters/goal-cursor";

const list = (query: Record<string, string>) => call(routes.goals.GET, "GET", "/api/goals", { query });

const GOALS = [
  { goal: "Analyse quarterly sales data", context: "region EMEA, fiscal 2026" },
  { goal: "Write the onboarding guide", context: "for new sales representatives" },
  { goal: "Translate the website", context: "into Portuguese and Spanish" },
  { goal: "Benchmark the database", context: null },
  { goal: "Summarise customer interviews", context: "themes: pricing, onboarding" },
];

beforeAll(async () => {
  for (const g of GOALS) {
    const res = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: { goal: g.goal, ...(g.context ? { context: g.context } : {}), plan: { tasks: [{ key: "a", name: "a" }] } },
    });
    expect(res.status).toBe(201);
  }
  // 25 more, to page through.
  for (let i = 0; i < 25; i++) {
    await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: { goal: `filler goal number ${i}`, plan: { tasks: [{ key: "a", name: "a" }] } },
    });
  }
});

describe("GET /api/goals", () => {
  it("searches goal text and context by word prefixes, case-insensitively, all words required", async () => {
    const texts = async (q: string) => ((await list({ q })).body.goals as Array<{ goal: string }>).map((g) => g.goal).sort();
    expect(await texts("sales")).toEqual(["Analyse quarterly sales data", "Write the onboarding guide"]);
    expect(await texts("ONBOARD")).toEqual(["Summarise customer interviews", "Write the onboarding guide"]);
    expect(await texts("sales emea")).toEqual(["Analyse quarterly sales data"]);
    expect(await texts("portug")).toEqual(["Translate the website"]);
    expect(await texts("nothing-like-this")).toEqual([]);
    expect(await texts("'; DROP TABLE goals; --")).toEqual([]);
    expect(await texts("!!!")).toEqual([]);
  });

  it("filters by status and combines it with the search", async () => {
    const [first] = (await list({ q: "benchmark" })).body.goals as Array<{ id: string }>;
    await call(routes.goalPause.POST, "POST", `/api/goals/${first!.id}/pause`, { params: { id: first!.id } });
    const paused = (await list({ status: "paused" })).body.goals as Array<{ id: string; pause_reason: string }>;
    expect(paused.map((g) => g.id)).toEqual([first!.id]);
    expect(paused[0]!.pause_reason).toBe("operator");
    expect((await list({ status: "paused", q: "sales" })).body.goals).toEqual([]);
    await call(routes.goalResume.POST, "POST", `/api/goals/${first!.id}/resume`, { params: { id: first!.id } });
  });

  it("pages newest first with a keyset cursor: every goal once, in order, and the last page has no cursor", async () => {
    const all = (await list({ limit: "500" })).body;
    expect(all.goals).toHaveLength(30);
    expect(all.next_cursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list({ limit: "7", ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.goals.map((g: { id: string }) => g.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(all.goals.map((g: { id: string }) => g.id));
    const filler = await list({ q: "filler", limit: "10" });
    expect(filler.body.goals).toHaveLength(10);
    const rest = await list({ q: "filler", limit: "100", cursor: filler.body.next_cursor });
    expect(rest.body.goals).toHaveLength(15);
  });

  it("refuses a cursor it did not give out and an over-long search with 400 naming the field", async () => {
    for (const cursor of ["nope", Buffer.from('["x","y"]').toString("base64url"), "' OR 1=1 --"]) {
      const res = await list({ cursor });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe("cursor");
    }
    const long = await list({ q: "x".repeat(501) });
    expect(long.status).toBe(400);
    expect(long.body.error.field).toBe("q");
  });

  it("uses the search index on PostgreSQL", async () => {
    await db().$executeRawUnsafe("SET enable_seqscan = off");
    const plan = await db().$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(
      `EXPLAIN SELECT id FROM goals g WHERE to_tsvector('simple', g.goal || ' ' || coalesce(g.context, '')) @@ to_tsquery('simple', 'sales:*')`,
    );
    await db().$executeRawUnsafe("SET enable_seqscan = on");
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/goals_search_idx/);
  });
});

describe("the embedded database (PGlite)", () => {
  it("applies the migrations and runs the same search and keyset query (no extension needed)", async () => {
    const pg = new PGlite();
    const dir = path.resolve(import.meta.dirname, "../../prisma/migrations");
    for (const name of readdirSync(dir)
      .filter((n) => /^\d/.test(n))
      .sort())
      await pg.exec(readFileSync(path.join(dir, name, "migration.sql"), "utf8"));
    await pg.exec(`INSERT INTO goals (id, goal, context, template) VALUES
      ('00000000-0000-4000-8000-000000000001', 'Analyse sales data', 'EMEA', 'explicit'),
      ('00000000-0000-4000-8000-000000000002', 'Write a guide', 'for sales reps', 'explicit'),
      ('00000000-0000-4000-8000-000000000003', 'Translate', NULL, 'explicit')`);
    const res = await pg.query<{ id: string }>(
      `SELECT id FROM goals g WHERE to_tsvector('simple', g.goal || ' ' || coalesce(g.context, '')) @@ to_tsquery('simple', $1)
       AND ($2::timestamptz IS NULL OR (g.created_at, g.id) < ($2::timestamptz, $3::uuid)) ORDER BY g.created_at DESC, g.id DESC`,
      [searchQuery("SALE"), null, null],
    );
    expect(res.rows.map((r) => r.id)).toEqual(["00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000001"]);
    await pg.close();
  });
});
