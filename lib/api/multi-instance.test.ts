// Concurrency across instances: two server processes on one database, 64 agents pulling
// and completing at once over HTTP, each request sent to either instance at random, while
// the operator also assigns across all agents (seed 001's assign_subtasks) on both; an
// agent receives the attempts the operator started for it on its next pull.
// No task is handed out twice, no completion is lost, and the agents' counters agree
// with the attempts rows. Needs a production build in NEXT_DIST_DIR (`next build`).
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";

const AGENTS = 64;
const CAPACITY = 2;
const LAYERS = 8;
const WIDTH = 100;
const TASKS = LAYERS * WIDTH;
const OPERATOR_TOKEN = "multi-instance-operator-token-00";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Agent {
  agent_id: string;
  token: string;
  gpu: boolean;
}

describe("two instances, one database", () => {
  const servers: RunningServer[] = [];
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await client.end().catch(() => undefined);
  });

  it(`${AGENTS} agents on 2 instances run ${TASKS} tasks: zero double assignments, zero lost completions, consistent counters`, async () => {
    await client.connect();
    // Small pools: the test shares PostgreSQL (max_connections) with other test files.
    const env = { SWITCHYARD_OPERATOR_TOKEN: OPERATOR_TOKEN, DB_POOL_SIZE: "6" };
    servers.push(...(await Promise.all([startServer({ env }), startServer({ env })])));
    const pick = () => servers[Math.floor(Math.random() * servers.length)]!.url;
    const post = async (path: string, body: unknown, token: string) => {
      const res = await fetch(pick() + path, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    // Layered DAG: every task depends on one of the layer before; every third needs "gpu",
    // which only half of the agents have.
    const tasks = Array.from({ length: TASKS }, (_, i) => ({
      key: `t${i}`,
      name: `task ${i}`,
      required_skills: i % 3 === 0 ? ["gpu"] : ["cpu"],
      // a scrambled column of the layer before
      depends_on: i >= WIDTH ? [`t${(Math.floor(i / WIDTH) - 1) * WIDTH + ((i * 7) % WIDTH)}`] : [],
    }));
    const created = await post("/api/goals", { goal: "multi-instance run", plan: { tasks } }, OPERATOR_TOKEN);
    expect(created.status).toBe(201);
    const goalId = created.body.goal_id as string;

    const agents: Agent[] = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const gpu = i % 2 === 0;
        const res = await fetch(servers[i % 2]!.url + "/api/orchestration/register", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ skills: gpu ? ["cpu", "gpu"] : ["cpu"], capacity: CAPACITY, name: `agent-${i}` }),
        });
        expect(res.status).toBe(201);
        const body = (await res.json()) as { agent_id: string; token: string };
        return { ...body, gpu };
      }),
    );

    const received = new Map<string, string[]>(); // subtask → agents it was handed to (once per attempt)
    const completedBy = new Map<string, number>(); // agent → completions acknowledged
    const sent = new Map<string, string>(); // subtask → result acknowledged
    const refused: string[] = [];
    let done = 0;
    let operatorAssigned = 0;
    const deadline = Date.now() + 360_000;
    type Assigned = { subtask_uuid: string; key: string; attempt: number; required_skills: string[]; agent_id: string };

    const work = async (agent: Agent, assignments: Assigned[]) =>
      Promise.all(
        assignments.map(async (a) => {
          received.set(a.subtask_uuid, [...(received.get(a.subtask_uuid) ?? []), agent.agent_id]);
          if (a.agent_id !== agent.agent_id) refused.push(`${a.key} for ${a.agent_id} reached ${agent.agent_id}`);
          if (a.required_skills.includes("gpu") && !agent.gpu) refused.push(`${a.key} went to an agent without gpu`);
          const result = `result of ${a.key} by ${agent.agent_id}`;
          const res = await post("/api/orchestration/complete", { subtask_uuid: a.subtask_uuid, attempt: a.attempt, result }, agent.token);
          if (res.status !== 200) {
            refused.push(`complete ${a.key}: ${res.status} ${JSON.stringify(res.body)}`);
            return;
          }
          sent.set(a.subtask_uuid, result);
          completedBy.set(agent.agent_id, (completedBy.get(agent.agent_id) ?? 0) + 1);
          done++;
        }),
      );

    const operator = async () => {
      while (done < TASKS && Date.now() < deadline) {
        const res = await post("/api/orchestration/assign", { max: 16 }, OPERATOR_TOKEN);
        if (res.status !== 200) refused.push(`operator assign ${res.status} ${JSON.stringify(res.body)}`);
        else operatorAssigned += (res.body.assignments as Assigned[]).length;
        await sleep(30);
      }
    };

    const agentLoop = async (agent: Agent, i: number) => {
      let idle = 0;
      while (done < TASKS && Date.now() < deadline) {
        if (i % 8 === 0 && Math.random() < 0.1) {
          const beat = await post("/api/orchestration/heartbeat", { agent_id: agent.agent_id }, agent.token);
          if (beat.status !== 200) refused.push(`heartbeat ${beat.status}`);
        }
        const pulled = await post("/api/orchestration/assign", { agent_id: agent.agent_id, max: CAPACITY }, agent.token);
        if (pulled.status !== 200) {
          refused.push(`assign ${pulled.status} ${JSON.stringify(pulled.body)}`);
          await sleep(20);
          continue;
        }
        const assignments = pulled.body.assignments as Assigned[];
        if (assignments.length === 0) {
          await sleep(Math.min(50, 5 + idle++ * 5));
          continue;
        }
        idle = 0;
        await work(agent, assignments);
      }
    };

    await Promise.all([operator(), ...agents.map(agentLoop)]);

    expect(refused).toEqual([]);
    const doubleAssignments = [...received.values()].filter((list) => list.length > 1).length;
    expect(doubleAssignments).toBe(0);
    expect(done).toBe(TASKS);

    // The database agrees: every task completed once, with the result its agent sent.
    const rows = (await client.query(`SELECT id, status, result, attempt FROM subtasks WHERE goal_id = $1`, [goalId])).rows as Array<{
      id: string;
      status: string;
      result: string;
      attempt: number;
    }>;
    const lost = rows.filter((r) => r.status !== "completed" || r.result !== sent.get(r.id));
    expect(lost).toEqual([]);
    const attempts = (
      await client.query(
        `SELECT a.subtask_id, count(*)::int AS n, count(*) FILTER (WHERE a.outcome = 'completed')::int AS completed
       FROM attempts a JOIN subtasks s ON s.id = a.subtask_id WHERE s.goal_id = $1 GROUP BY a.subtask_id`,
        [goalId],
      )
    ).rows as Array<{ subtask_id: string; n: number; completed: number }>;
    expect(attempts).toHaveLength(TASKS);
    expect(attempts.filter((a) => a.n !== 1 || a.completed !== 1)).toEqual([]);
    // No key dangles (the database checks none on these hot columns: 20261201090000_hot_path_writes).
    const dangling = (
      await client.query(`
      SELECT (SELECT count(*) FROM attempts t WHERE NOT EXISTS (SELECT 1 FROM subtasks s WHERE s.id = t.subtask_id)
          OR NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = t.agent_id))::int
        + (SELECT count(*) FROM subtasks s WHERE s.agent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = s.agent_id))::int AS n`)
    ).rows[0] as { n: number };
    expect(dangling.n).toBe(0);

    // Counters: running 0, tasks_done = acknowledged completions = completed attempts rows.
    const counters = (
      await client.query(`
      SELECT a.id, a.running, a.tasks_done, a.tasks_failed,
        count(t.*) FILTER (WHERE t.outcome = 'completed')::int AS done_rows,
        count(t.*) FILTER (WHERE t.outcome = 'running')::int AS running_rows
      FROM agents a LEFT JOIN attempts t ON t.agent_id = a.id GROUP BY a.id`)
    ).rows as Array<{ id: string; running: number; tasks_done: number; tasks_failed: number; done_rows: number; running_rows: number }>;
    expect(counters).toHaveLength(AGENTS);
    const inconsistent = counters.filter(
      (c) =>
        c.running !== 0 ||
        c.running_rows !== 0 ||
        c.tasks_failed !== 0 ||
        c.tasks_done !== c.done_rows ||
        c.tasks_done !== (completedBy.get(c.id) ?? 0),
    );
    expect(inconsistent).toEqual([]);

    let goalStatus = "";
    for (let i = 0; i < 100 && goalStatus !== "complete"; i++) {
      goalStatus = (await client.query(`SELECT status FROM goals WHERE id = $1`, [goalId])).rows[0].status;
      if (goalStatus !== "complete") await sleep(100);
    }
    expect(goalStatus).toBe("complete");
    const busiest = Math.max(...counters.map((c) => c.tasks_done));
    console.log(
      `[multi-instance] ${TASKS} tasks, ${AGENTS} agents, 2 instances (${operatorAssigned} tasks assigned by the operator, the rest pulled): ${doubleAssignments} double assignments, ${TASKS - done} lost completions; busiest agent did ${busiest}`,
    );
  }, 420_000);
});
