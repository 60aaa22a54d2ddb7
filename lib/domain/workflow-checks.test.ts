// The CHECK constraints of the workflow vocabulary (subtasks.kind, goals.aggregation_strategy,
// webhook_deliveries.status) list exactly lib/domain/workflow.ts's values.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AGGREGATION_STRATEGIES, SUBTASK_KINDS, WEBHOOK_DELIVERY_STATUSES } from "@/lib/domain";

async function checkValues(table: string, column: string): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ definition: string }>>`
    SELECT pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(c.conkey)
    WHERE c.contype = 'c' AND t.relname = ${table} AND a.attname = ${column}`;
  expect(rows, `one CHECK constraint on ${table}.${column}`).toHaveLength(1);
  return [...rows[0]!.definition.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
}

describe("workflow CHECK constraints", () => {
  it.each([
    ["subtasks", "kind", SUBTASK_KINDS],
    ["goals", "aggregation_strategy", AGGREGATION_STRATEGIES],
    ["webhook_deliveries", "status", WEBHOOK_DELIVERY_STATUSES],
  ] as const)("%s.%s accepts exactly the TypeScript list", async (table, column, list) => {
    expect((await checkValues(table, column)).sort()).toEqual([...list].sort());
  });
});
