// What the e2e specs share: agents driven through the HTTP API, goals created through it,
// and screenshots saved as artifacts.
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import path from "node:path";

export interface TestAgent {
  agent_id: string;
  token: string;
  name: string;
}

export interface PlanTask {
  key: string;
  name: string;
  required_skills?: string[];
  depends_on?: string[];
  max_attempts?: number;
  priority?: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";
  description?: string;
}

/** A skill no other spec's agents have, so each spec's tasks go only to its own agents. */
export function uniqueSkill(label: string): string {
  return `e2e-${label}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function registerAgent(
  request: APIRequestContext,
  options: { name: string; skills: string[]; capacity?: number },
): Promise<TestAgent> {
  const res = await request.post("/api/orchestration/register", {
    data: { name: options.name, skills: options.skills, capacity: options.capacity ?? 1 },
  });
  expect(res.status(), await res.text()).toBe(201);
  const body = await res.json();
  return { agent_id: body.agent_id, token: body.token, name: options.name };
}

export async function createGoal(
  request: APIRequestContext,
  goal: string,
  tasks: PlanTask[],
): Promise<{ goal_id: string; subtasks: Array<{ uuid: string; key: string }> }> {
  const res = await request.post("/api/goals", { data: { goal, plan: { tasks } } });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

export async function pull(
  request: APIRequestContext,
  agent: TestAgent,
  max = 1,
): Promise<Array<{ subtask_uuid: string; key: string; attempt: number }>> {
  const res = await request.post("/api/orchestration/assign", {
    headers: { authorization: `Bearer ${agent.token}` },
    data: { agent_id: agent.agent_id, max },
  });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).assignments;
}

export async function complete(request: APIRequestContext, agent: TestAgent, subtask: string, result: string, attempt?: number) {
  return request.post("/api/orchestration/complete", {
    headers: { authorization: `Bearer ${agent.token}` },
    data: { subtask_uuid: subtask, result, attempt },
  });
}

export async function fail(request: APIRequestContext, agent: TestAgent, subtask: string, error: string) {
  return request.post("/api/orchestration/fail", {
    headers: { authorization: `Bearer ${agent.token}` },
    data: { subtask_uuid: subtask, error },
  });
}

export async function getTask(request: APIRequestContext, taskId: string) {
  const res = await request.get(`/api/tasks/${taskId}`);
  expect(res.status()).toBe(200);
  return res.json();
}

export function node(page: Page, key: string) {
  return page.locator(`[data-testid="task-node"][data-key="${key}"]`);
}

/** The live socket is up (events will arrive without a reload). */
export async function waitForLive(page: Page) {
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-connected", "true");
}

export async function saveScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(import.meta.dirname, "artifacts", `${name}.png`), fullPage: false });
}
