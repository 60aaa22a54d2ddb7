// The database's CHECK constraints on status columns list exactly the domain's values,
// and the partial "open" index the same open set the code queries with.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ATTEMPT_OUTCOMES, GOAL_STATUSES, OPEN_SUBTASK_STATUSES, SUBTASK_STATUSES } from "@/lib/domain";

/** The quoted literals of a CHECK (… IN (…)) or partial index predicate, as Postgres prints it back. */
function literals(definition: string): string[] {
  return [...definition.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
}

async function checkValues(table: string, column: string): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ name: string; definition: string }>>`
    SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(c.conkey)
    WHERE c.contype = 'c' AND t.relname = ${table} AND a.attname = ${column}`;
  expect(rows, `one CHECK constraint on ${table}.${column}`).toHaveLength(1);
  return literals(rows[0]!.definition);
}

describe("status CHECK constraints", () => {
  it.each([
    ["goals", "status", GOAL_STATUSES],
    ["subtasks", "status", SUBTASK_STATUSES],
    ["attempts", "outcome", ATTEMPT_OUTCOMES],
  ] as const)("%s.%s accepts exactly the TypeScript list", async (table, column, list) => {
    expect((await checkValues(table, column)).sort()).toEqual([...list].sort());
  });

  it("refuses a status outside the list (the database, not only the code, keeps the vocabulary)", async () => {
    await expect(
      db().$executeRaw`INSERT INTO goals (id, goal, status, template) VALUES (gen_random_uuid(), 'g', 'sleeping', 'generic')`,
    ).rejects.toThrow(/goals_status_check/);
    const goal = await db().$queryRaw<
      Array<{ id: string }>
    >`INSERT INTO goals (id, goal, status, template) VALUES (gen_random_uuid(), 'g', 'paused', 'generic') RETURNING id`;
    expect(goal).toHaveLength(1);
  });

  it("the open-tasks partial index lists the open statuses", async () => {
    const rows = await db().$queryRaw<
      Array<{ definition: string }>
    >`SELECT pg_get_indexdef('subtasks_open_by_goal_idx'::regclass) AS definition`;
    expect(literals(rows[0]!.definition).sort()).toEqual([...OPEN_SUBTASK_STATUSES].sort());
  });
});
