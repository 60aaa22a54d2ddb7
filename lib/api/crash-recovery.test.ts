// Crash safety: a goal of several hundred tasks is run by real worker processes
// (packages/switchyard-agent) while the server process is killed with SIGKILL and restarted on
// the same database and port, several times. In the end every task is completed exactly
// once, nothing is stuck, and every stored result is the one a worker produced for the
// attempt that counts. Needs a production build in NEXT_DIST_DIR (`next build`).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startServer, type RunningServer } from "@/lib/testing/server";
import { agentNodeArgs } from "@/lib/testing/worker-process";

const TASKS = 300;
const WIDTH = 15; // tasks per layer; each depends on two of the layer before
const CRASHES = 5;
const WORKERS = 6;
const CAPACITY = 3;
const OPERATOR_TOKEN = "crash-test-operator-token-0000-abcdef";
const root = path.resolve(import.meta.dirname, "../..");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function buildPlan() {
  return Array.from({ length: TASKS }, (_, i) => {
    const layer = Math.floor(i / WIDTH);
    const col = i % WIDTH;
    const deps = layer === 0 ? [] : [...new Set([col, (col + 1) % WIDTH])].map((c) => `t${(layer - 1) * WIDTH + c}`);
    // A short timeout: an attempt whose assignment died with the server is retried soon.
    return { key: `t${i}`, name: `task ${i}`, depends_on: deps, timeout_s: 5, max_attempts: 25, estimated_duration_s: 1 };
  });
}

describe("crash safety", () => {
  const workers: ChildProcess[] = [];
  let server: RunningServer | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), "sy-crash-"));
  const produced = path.join(dir, "produced.log");
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
    await server?.kill();
    await client.end().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it(`runs ${TASKS} tasks with ${WORKERS} worker processes through ${CRASHES} SIGKILLs of the server, each task completed exactly once`, async () => {
    await client.connect();
    const port = await freePort();
    const env = {
      SWITCHYARD_OPERATOR_TOKEN: OPERATOR_TOKEN,
      DB_POOL_SIZE: "5",
      SWEEP_INTERVAL_MS: "250",
      HEARTBEAT_TIMEOUT_S: "30",
      RETRY_BASE_MS: "50",
      RETRY_MAX_MS: "500",
    };
    server = await startServer({ port, env });
    const url = server.url;

    const created = await fetch(`${url}/api/goals`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${OPERATOR_TOKEN}` },
      body: JSON.stringify({ goal: "crash test", plan: { tasks: buildPlan() } }),
    });
    expect(created.status).toBe(201);
    const goalId = ((await created.json()) as { goal_id: string }).goal_id;

    // Each task prints a result naming its task and attempt, and logs what it produced.
    const command = `sleep 0.05; echo "$SWITCHYARD_TASK_ID $SWITCHYARD_ATTEMPT $SWITCHYARD_AGENT_ID" >> "${produced}"; printf 'result of %s attempt %s' "$SWITCHYARD_TASK_KEY" "$SWITCHYARD_ATTEMPT"`;
    for (let i = 0; i < WORKERS; i++) {
      const w = spawn(
        process.execPath,
        agentNodeArgs([
          "--server",
          url,
          "--capacity",
          String(CAPACITY),
          "--name",
          `crash-worker-${i}`,
          "--exec",
          command,
          "--poll-ms",
          "100",
          "--heartbeat-ms",
          "1000",
          "--grace-ms",
          "2000",
        ]),
        {
          cwd: root,
          env: { ...process.env, NODE_ENV: "production" },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      w.stderr!.on("data", () => undefined);
      workers.push(w);
    }

    const completed = async () =>
      Number((await client.query(`SELECT count(*) AS n FROM subtasks WHERE goal_id = $1 AND status = 'completed'`, [goalId])).rows[0].n);
    let crashes = 0;
    const deadline = Date.now() + 360_000;
    for (let k = 1; k <= CRASHES; k++) {
      const threshold = Math.floor((k * TASKS) / (CRASHES + 1));
      while ((await completed()) < threshold) {
        if (Date.now() > deadline)
          throw new Error(`stuck before crash ${k}: ${await completed()} of ${TASKS} completed\n${server.output().slice(-3000)}`);
        await sleep(50);
      }
      await server.kill(); // SIGKILL: no shutdown hook runs
      crashes++;
      await sleep(200 + Math.random() * 1000);
      server = await startServer({ port, env });
    }

    let goalStatus = "";
    while (Date.now() < deadline) {
      goalStatus = (await client.query(`SELECT status FROM goals WHERE id = $1`, [goalId])).rows[0].status;
      if (goalStatus !== "running" && goalStatus !== "pending") break;
      await sleep(200);
    }
    expect(goalStatus).toBe("complete");
    expect(crashes).toBe(CRASHES);

    // Every task completed, with exactly one completed attempt and no attempt still running.
    const tasks = (await client.query(`SELECT id, key, status, result, attempt FROM subtasks WHERE goal_id = $1`, [goalId])).rows as Array<{
      id: string;
      key: string;
      status: string;
      result: string;
      attempt: number;
    }>;
    expect(tasks).toHaveLength(TASKS);
    expect(tasks.filter((t) => t.status !== "completed")).toEqual([]);
    const attempts = (
      await client.query(
        `SELECT a.subtask_id, a.number, a.agent_id, a.outcome, a.result FROM attempts a JOIN subtasks s ON s.id = a.subtask_id WHERE s.goal_id = $1`,
        [goalId],
      )
    ).rows as Array<{ subtask_id: string; number: number; agent_id: string; outcome: string; result: string | null }>;
    expect(attempts.filter((a) => a.outcome === "running")).toEqual([]);
    const completedAttempts = new Map<string, Array<(typeof attempts)[number]>>();
    for (const a of attempts)
      if (a.outcome === "completed") completedAttempts.set(a.subtask_id, [...(completedAttempts.get(a.subtask_id) ?? []), a]);
    const notExactlyOnce = tasks.filter((t) => completedAttempts.get(t.id)?.length !== 1).map((t) => t.key);
    expect(notExactlyOnce).toEqual([]);

    // No result lost or invented: each stored result is what a worker printed for that very attempt.
    const lines = new Set(readFileSync(produced, "utf8").trim().split("\n"));
    const wrong: string[] = [];
    for (const t of tasks) {
      const a = completedAttempts.get(t.id)![0]!;
      if (t.result !== `result of ${t.key} attempt ${a.number}` || a.result !== t.result) wrong.push(`${t.key}: ${t.result}`);
      if (!lines.has(`${t.id} ${a.number} ${a.agent_id}`)) wrong.push(`${t.key}: attempt ${a.number} was never run by agent ${a.agent_id}`);
    }
    expect(wrong).toEqual([]);

    // The goal's aggregate holds every task's result once.
    const goal = (await client.query(`SELECT result FROM goals WHERE id = $1`, [goalId])).rows[0].result as {
      steps_completed: number;
      steps_failed: number;
    };
    expect(goal.steps_completed).toBe(TASKS);
    expect(goal.steps_failed).toBe(0);

    // Agent counters agree with the attempts rows.
    const counters = (
      await client.query(`
      SELECT a.id, a.running, a.tasks_done, a.tasks_failed,
        count(t.*) FILTER (WHERE t.outcome = 'running')::int AS running_rows,
        count(t.*) FILTER (WHERE t.outcome = 'completed')::int AS done_rows,
        count(t.*) FILTER (WHERE t.outcome IN ('failed', 'timed_out'))::int AS failed_rows
      FROM agents a LEFT JOIN attempts t ON t.agent_id = a.id GROUP BY a.id`)
    ).rows;
    for (const c of counters) {
      expect({ running: c.running, done: c.tasks_done, failed: c.tasks_failed }).toEqual({
        running: c.running_rows,
        done: c.done_rows,
        failed: c.failed_rows,
      });
    }
    const retried = attempts.length - TASKS;
    console.log(
      `[crash test] ${TASKS} tasks, ${WORKERS} worker processes, ${crashes} server SIGKILLs survived; ${attempts.length} attempts (${retried} extra: timed out or lost with a crash), 0 tasks completed twice`,
    );
  }, 420_000);
});
