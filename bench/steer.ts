// Issue 10's bench rows: the goal list with 10,000 goals (search, status filter, keyset
// pages), and a bulk retry of 1,000 failed tasks of one goal while agents of other goals
// pull (its duration, and their pull latency during it beside before it).
import { db } from "@/lib/db";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { bulkTasks } from "@/lib/orchestration/bulk-tasks";
import { listGoalPage } from "@/lib/presenters/goals";
import { fmt, log, now, percentile, type Row } from "./util";

const WORDS = [
  "sales",
  "report",
  "translate",
  "website",
  "onboarding",
  "benchmark",
  "database",
  "pricing",
  "interview",
  "summary",
  "quarterly",
  "customer",
];

async function seedGoals(n: number): Promise<void> {
  // Set-based: 10,000 goals with text and context, spread over time and statuses.
  await db().$executeRawUnsafe(`
    INSERT INTO goals (id, goal, context, status, template, created_at)
    SELECT gen_random_uuid(),
      'Goal ' || i || ': ' || (ARRAY[${WORDS.map((w) => `'${w}'`).join(",")}])[1 + i % ${WORDS.length}] || ' ' || (ARRAY[${WORDS.map((w) => `'${w}'`).join(",")}])[1 + (i / 7) % ${WORDS.length}],
      'context of goal ' || i || ' about ' || (ARRAY[${WORDS.map((w) => `'${w}'`).join(",")}])[1 + (i / 3) % ${WORDS.length}],
      (ARRAY['pending','running','complete','failed','cancelled'])[1 + i % 5], 'explicit', now() - (i || ' seconds')::interval
    FROM generate_series(1, ${n}) AS i`);
  await db().$executeRawUnsafe("ANALYZE goals");
}

export async function goalListBench(goals = 10_000, runs = 40): Promise<Row[]> {
  log(`goal list: seeding ${goals} goals`);
  await seedGoals(goals);
  const cases: Array<[string, Parameters<typeof listGoalPage>[0]]> = [
    ["newest 50", { limit: 50 }],
    ["status=running, 50", { status: "running", limit: 50 }],
    ['q="sales report", 50', { q: "sales report", limit: 50 }],
    ['q="onboard" (prefix) + status, 50', { q: "onboard", status: "complete", limit: 50 }],
  ];
  const rows: Row[] = [];
  for (const [label, query] of cases) {
    const times: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < runs; i++) {
      const t = now();
      const page = await listGoalPage({ ...query, cursor });
      times.push(now() - t);
      cursor = page.next_cursor ?? undefined; // walk the pages: keyset, not OFFSET
    }
    const p95 = percentile(times, 95);
    rows.push({
      figure: `  GET /api/goals ${label} (pages walked), p50 / p95`,
      value: `${fmt.ms(percentile(times, 50))} / ${fmt.ms(p95)}`,
      target: "p95 < 50 ms",
      met: p95 < 50 ? "yes" : "no",
    });
  }
  return [{ figure: `goal list, ${goals.toLocaleString("en-US")} goals, in-process presenter`, value: "", target: "", met: "—" }, ...rows];
}

export async function bulkRetryBench(tasks = 1_000, agents = 8): Promise<Row[]> {
  log(`bulk retry: ${tasks} failed tasks, ${agents} agents of another goal pulling`);
  const failing = await createGoal({
    goal: "bulk retry bench",
    plan: { tasks: Array.from({ length: tasks }, (_, i) => ({ key: `f${i}`, name: `f${i}`, required_skills: ["bulk-bench-none"] })) },
    actor: "bench",
  });
  await db()
    .$executeRaw`UPDATE subtasks SET status = 'failed', failures = 3, error = 'bench', finished_at = now() WHERE goal_id = ${failing.goalId}::uuid`;
  await db().$executeRaw`UPDATE goals SET status = 'failed', finished_at = now() WHERE id = ${failing.goalId}::uuid`;
  await createGoal({
    goal: "other work",
    plan: { tasks: Array.from({ length: 20_000 }, (_, i) => ({ key: `w${i}`, name: `w${i}`, required_skills: ["bulk-bench"] })) },
    actor: "bench",
  });
  const pool = await Promise.all(
    Array.from({ length: agents }, (_, i) => registerAgent({ skills: ["bulk-bench"], capacity: 100_000, name: `bench-${i}` })),
  );

  const pullLatencies = async (until: () => boolean): Promise<number[]> => {
    const times: number[] = [];
    await Promise.all(
      pool.map(async (a) => {
        while (!until()) {
          const t = now();
          await pullTasks({ agentId: a.id, max: 1 });
          times.push(now() - t);
        }
      }),
    );
    return times;
  };
  // Baseline: the same pulls for a while without the bulk retry.
  const baseStart = now();
  const baseline = await pullLatencies(() => now() - baseStart > 3_000);

  let done = false;
  const during = pullLatencies(() => done);
  const t = now();
  const result = await bulkTasks({ action: "retry", filter: { goal_id: failing.goalId!, status: ["failed"] }, actor: "bench" });
  const durationMs = now() - t;
  done = true;
  const contended = await during;
  const b95 = percentile(baseline, 95);
  const d95 = percentile(contended, 95);
  return [
    {
      figure: `bulk retry of ${tasks.toLocaleString("en-US")} failed tasks (${result.batches} batches of ≤ 100)`,
      value: `${fmt.ms(durationMs)}, ${result.changed} changed`,
      target: "—",
      met: result.changed === tasks ? "yes" : "no",
    },
    {
      figure: `  other goal's pulls (${agents} agents) p50 / p95, before`,
      value: `${fmt.ms(percentile(baseline, 50))} / ${fmt.ms(b95)}`,
      target: "—",
      met: "—",
    },
    {
      figure: `  other goal's pulls p50 / p95, during the bulk retry`,
      value: `${fmt.ms(percentile(contended, 50))} / ${fmt.ms(d95)}`,
      target: "p95 < 2× before",
      met: d95 < 2 * b95 ? "yes" : "no",
    },
  ];
}
