// An agent's and the operator's calls through the real route handlers, for integration
// tests of whole workflows (register, decompose, pull, complete, drain).
import { expect } from "vitest";
import type { Assignment } from "switchyard-client";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";

export type TestAgent = { agent_id: string; token: string };
export type TestAssignment = Assignment;

export async function registerAgent(skills: string[], capacity = 8, name?: string): Promise<TestAgent> {
  const res = await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills, capacity, name } });
  expect(res.status).toBe(201);
  return res.body;
}

/** The agent's pull; without `max` the server hands out as many tasks as the agent has free capacity for. */
export async function assign(agent: TestAgent, max?: number): Promise<TestAssignment[]> {
  const res = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
    token: agent.token,
    body: { agent_id: agent.agent_id, max },
  });
  expect(res.status).toBe(200);
  return res.body.assignments;
}

export async function pull(agent: TestAgent, max = 8): Promise<TestAssignment[]> {
  return assign(agent, max);
}

export async function complete(agent: TestAgent, subtask: string, result: unknown, spawn?: unknown) {
  return call(routes.complete.POST, "POST", "/api/orchestration/complete", {
    token: agent.token,
    body: { subtask_uuid: subtask, result, ...(spawn ? { spawn } : {}) },
  });
}

export async function decompose(body: Record<string, unknown>) {
  const res = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { goal_id: string; template: string; subtasks: Array<{ uuid: string; key: string; required_skills: string[] }> };
}

/** A goal from an explicit plan; its task uuids by key. */
export async function createPlanGoal(
  goal: string,
  tasks: Array<Record<string, unknown>>,
): Promise<{ goalId: string; ids: Record<string, string> }> {
  const created = await decompose({ goal, plan: { tasks } });
  return { goalId: created.goal_id, ids: Object.fromEntries(created.subtasks.map((s) => [s.key, s.uuid])) };
}

/** Runs every task the agent can get until none is left, answering each with `answer`. */
export async function drain(agent: TestAgent, answer: (a: TestAssignment) => unknown = (a) => `done ${a.key}`): Promise<TestAssignment[]> {
  const seen: TestAssignment[] = [];
  for (let round = 0; round < 50; round++) {
    const batch = await pull(agent);
    if (batch.length === 0) return seen;
    for (const a of batch) {
      seen.push(a);
      const res = await complete(agent, a.subtask_uuid, answer(a));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
  throw new Error("drain did not finish");
}
