// Issue 9: POST /api/orchestration/progress, GET /api/tasks/:id/output, usage on complete.
import { beforeEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { db } from "@/lib/db";
import { truncateAll } from "@/lib/testing/database";
import { assign as pull } from "@/lib/testing/agent-calls";
import { eventBus, PROGRESS_REPORTED } from "@/lib/events/bus";
import { OUTPUT_CHUNK_MAX_BYTES, OUTPUT_KEEP_BYTES, readOutput } from "@/lib/orchestration/task-output";
import type { ProgressPush } from "@/lib/realtime/protocol";

beforeEach(truncateAll);

type Agent = { agent_id: string; token: string };

async function registerAgent(skills: string[] = ["general"]): Promise<Agent> {
  const res = await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills } });
  expect(res.status).toBe(201);
  return res.body;
}

async function oneTaskGoal(extra: Record<string, unknown> = {}) {
  const res = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
    body: { goal: "one task", plan: { tasks: [{ key: "A", name: "a", required_skills: ["general"], max_attempts: 3 }] }, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body as { goal_id: string; subtasks: Array<{ uuid: string }> };
}

const progress = (agent: Agent, body: Record<string, unknown>) =>
  call(routes.progress.POST, "POST", "/api/orchestration/progress", { token: agent.token, body });
const output = async (id: string, attempt?: number) => {
  const res = await call(routes.taskOutput.GET, "GET", `/api/tasks/${id}/output`, {
    params: { id },
    query: attempt ? { attempt: String(attempt) } : {},
  });
  return {
    status: res.status,
    text: res.status === 200 ? new TextDecoder().decode(res.body as ArrayBuffer) : "",
    headers: res.headers,
    body: res.body,
  };
};
const task = async (id: string) => (await call(routes.task.GET, "GET", `/api/tasks/${id}`, { params: { id } })).body;

describe("POST /api/orchestration/progress", () => {
  it("stores progress, message and output of the running attempt, readable before it completes", async () => {
    const agent = await registerAgent();
    const goal = await oneTaskGoal();
    const [a] = await pull(agent);
    const pushes: ProgressPush[] = [];
    const listen = (p: ProgressPush) => pushes.push(p);
    eventBus().on(PROGRESS_REPORTED, listen);
    try {
      const r1 = await progress(agent, {
        subtask_uuid: a!.subtask_uuid,
        attempt: a!.attempt,
        progress: 0.25,
        message: "reading files",
        output: "line 1\n",
      });
      expect(r1.status).toBe(200);
      expect(r1.body).toMatchObject({ progress: 0.25, message: "reading files", output_bytes: 7, dropped_bytes: 0 });
      const r2 = await progress(agent, {
        subtask_uuid: a!.subtask_uuid,
        output: "line 2 \u001b[31mred\u001b[0m\n",
        usage: { input_tokens: 100, output_tokens: 20, cost_usd: 0.01, model: "m1" },
      });
      expect(r2.status).toBe(200);
      expect(r2.body.progress).toBe(0.25); // kept when a report leaves it out
    } finally {
      eventBus().off(PROGRESS_REPORTED, listen);
    }
    expect(pushes.map((p) => p.output)).toEqual(["line 1\n", "line 2 \u001b[31mred\u001b[0m\n"]);
    expect(pushes[1]).toMatchObject({
      goal_id: goal.goal_id,
      subtask_id: a!.subtask_uuid,
      attempt: 1,
      usage: { input_tokens: 100, output_tokens: 20, cost_usd: 0.01, model: "m1" },
    });

    const out = await output(a!.subtask_uuid);
    expect(out.status).toBe(200);
    expect(out.headers.get("content-type")).toContain("text/plain");
    expect(out.text).toBe("line 1\nline 2 \u001b[31mred\u001b[0m\n");
    const detail = await task(a!.subtask_uuid);
    expect(detail.status).toBe("running");
    expect(detail).toMatchObject({
      progress: 0.25,
      message: "reading files",
      usage: { input_tokens: 100, output_tokens: 20, cost_usd: 0.01, model: "m1" },
    });
    expect(detail.attempts[0]).toMatchObject({ number: 1, progress: 0.25, output_bytes: out.text.length });
  });

  it("keeps only the last 256 KiB of an attempt's output, with a marker counting what was dropped", async () => {
    const agent = await registerAgent();
    await oneTaskGoal();
    const [a] = await pull(agent);
    const chunk = "é".repeat(OUTPUT_CHUNK_MAX_BYTES / 2 - 1) + "\n"; // 2-byte characters: cuts fall inside them
    const rounds = Math.ceil(OUTPUT_KEEP_BYTES / Buffer.byteLength(chunk)) + 3;
    for (let i = 0; i < rounds; i++)
      expect((await progress(agent, { subtask_uuid: a!.subtask_uuid, output: chunk.replace("é", String(i % 10)) })).status).toBe(200);
    const total = rounds * Buffer.byteLength(chunk) - rounds; // the digit is one byte where "é" was two
    const stored = await db().$queryRaw<
      Array<{ n: number; total: bigint; dropped: bigint }>
    >`SELECT (SELECT sum(octet_length(content)) FROM task_output_chunks)::int AS n, total_bytes AS total, dropped_bytes AS dropped FROM task_outputs`;
    expect(stored[0]!.n).toBe(OUTPUT_KEEP_BYTES);
    expect(Number(stored[0]!.total)).toBe(total);
    expect(Number(stored[0]!.dropped)).toBe(total - OUTPUT_KEEP_BYTES);
    const out = await output(a!.subtask_uuid);
    expect(out.text.startsWith(`… ${total - OUTPUT_KEEP_BYTES} bytes dropped\n`)).toBe(true);
    expect(out.text).not.toContain("\uFFFD");
    expect(out.text.endsWith(`${(rounds - 1) % 10}${"é".repeat(OUTPUT_CHUNK_MAX_BYTES / 2 - 2)}\n`)).toBe(true);
  });

  it("refuses a superseded attempt with 409, a chunk over the limit with 413, another agent's task with 403, changing nothing", async () => {
    const agent = await registerAgent();
    const other = await registerAgent();
    await oneTaskGoal();
    const [a] = await pull(agent);
    const tooBig = await progress(agent, { subtask_uuid: a!.subtask_uuid, output: "x".repeat(OUTPUT_CHUNK_MAX_BYTES + 1) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toMatchObject({ code: "payload_too_large", field: "output" });
    const foreign = await progress(other, { subtask_uuid: a!.subtask_uuid, progress: 0.5 });
    expect(foreign.status).toBe(403);
    // The attempt fails; the retry (attempt 2) is someone else's; attempt 1 reporting late is stale.
    const failed = await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
      token: agent.token,
      body: { subtask_uuid: a!.subtask_uuid, attempt: 1, error: "boom" },
    });
    expect(failed.status).toBe(200);
    const stale = await progress(agent, { subtask_uuid: a!.subtask_uuid, attempt: 1, progress: 0.9, output: "late\n" });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("stale_attempt");
    const detail = await task(a!.subtask_uuid);
    expect(detail.attempts[0].progress).toBeNull();
    expect(await db().taskOutput.count()).toBe(0);
    const bad = await progress(agent, { subtask_uuid: a!.subtask_uuid, progress: 1.5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("progress");
  });

  it("answers the stored output of an earlier attempt by number, and 404 for one that never was", async () => {
    const agent = await registerAgent();
    await oneTaskGoal();
    const [a] = await pull(agent);
    await progress(agent, { subtask_uuid: a!.subtask_uuid, output: "first try\n" });
    await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
      token: agent.token,
      body: { subtask_uuid: a!.subtask_uuid, error: "boom" },
    });
    await db()
      .$executeRaw`UPDATE subtasks SET next_attempt_at = now() - interval '1 second', status = 'pending' WHERE id = ${a!.subtask_uuid}::uuid`;
    const [b] = await pull(agent);
    expect(b!.attempt).toBe(2);
    await progress(agent, { subtask_uuid: b!.subtask_uuid, output: "second try\n" });
    expect((await output(a!.subtask_uuid)).text).toBe("second try\n");
    expect((await output(a!.subtask_uuid, 1)).text).toBe("first try\n");
    expect((await output(a!.subtask_uuid, 7)).status).toBe(404);
  });
});

describe("progress under concurrency", () => {
  it("reports racing their own completion and other agents' pulls answer 200 or 409, never a deadlock or a 500", async () => {
    const agents = await Promise.all(Array.from({ length: 16 }, () => registerAgent()));
    const res = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: {
        goal: "many",
        plan: { tasks: Array.from({ length: 32 }, (_, i) => ({ key: `T-${i}`, name: `t${i}`, required_skills: ["general"] })) },
      },
    });
    expect(res.status).toBe(201);
    const statuses: number[] = [];
    await Promise.all(
      agents.map(async (agent) => {
        for (let round = 0; round < 2; round++) {
          const [a] = await pull(agent);
          if (!a) return;
          const reports = Array.from({ length: 8 }, (_, i) =>
            progress(agent, { subtask_uuid: a.subtask_uuid, attempt: a.attempt, progress: i / 8, output: `line ${i}\n` }),
          );
          const done = call(routes.complete.POST, "POST", "/api/orchestration/complete", {
            token: agent.token,
            body: { subtask_uuid: a.subtask_uuid, attempt: a.attempt, result: "ok" },
          });
          for (const r of await Promise.all([...reports, done])) statuses.push(r.status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(await db().subtask.count({ where: { status: "completed" } })).toBe(32);
    // Whatever was accepted is stored whole: each stored output is a run of whole lines.
    const outputs = await db().taskOutput.findMany();
    for (const o of outputs) expect((await readOutput(o.subtaskId, o.attempt))!.text).toMatch(/^(line \d\n)+$/);
  });
});

describe("usage", () => {
  it("adds up per attempt from progress and complete, on the task and its goal", async () => {
    const agent = await registerAgent();
    const goal = await oneTaskGoal();
    const [a] = await pull(agent);
    await progress(agent, { subtask_uuid: a!.subtask_uuid, usage: { input_tokens: 1000, output_tokens: 100, cost_usd: 0.002 } });
    const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: {
        subtask_uuid: a!.subtask_uuid,
        result: "ok",
        usage: { input_tokens: 200, output_tokens: 300, cost_usd: 0.004, model: "claude-sonnet-4-5" },
      },
    });
    expect(done.status).toBe(200);
    const detail = await task(a!.subtask_uuid);
    expect(detail.usage).toMatchObject({ input_tokens: 1200, output_tokens: 400, model: "claude-sonnet-4-5" });
    expect(detail.usage.cost_usd).toBeCloseTo(0.006, 10);
    const g = await db().goal.findUniqueOrThrow({ where: { id: goal.goal_id } });
    expect(Number(g.inputTokens)).toBe(1200);
    expect(Number(g.outputTokens)).toBe(400);
    expect(g.costUsd).toBeCloseTo(0.006, 10);
  });
});
