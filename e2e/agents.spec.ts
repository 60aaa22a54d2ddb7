import { expect, test } from "@playwright/test";
import { complete, createGoal, pull, registerAgent, saveScreenshot, uniqueSkill, waitForLive } from "./helpers";

test("the agents page shows a registered agent's load, live, and its counters", async ({ page, request }) => {
  const skill = uniqueSkill("agents");
  const goal = await createGoal(request, "three parallel tasks (agents page)", [
    { key: "a", name: "A", required_skills: [skill] },
    { key: "b", name: "B", required_skills: [skill] },
    { key: "c", name: "C", required_skills: [skill] },
  ]);
  expect(goal.subtasks).toHaveLength(3);
  const agent = await registerAgent(request, { name: "loaded-agent", skills: [skill, "python"], capacity: 3 });

  await page.goto("/agents");
  await waitForLive(page);
  const row = page.locator(`[data-testid="agent-row"][data-agent-id="${agent.agent_id}"]`);
  await expect(row).toContainText("loaded-agent");
  await expect(row).toContainText("python");
  await expect(row.getByTestId("agent-load")).toHaveText("0/3");
  await expect(row.getByTestId("agent-status")).toHaveAttribute("data-status", "idle");

  const assignments = await pull(request, agent, 2);
  expect(assignments).toHaveLength(2);
  await expect(row.getByTestId("agent-load")).toHaveText("2/3");
  await expect(row.getByTestId("agent-status")).toHaveAttribute("data-status", "busy");

  expect((await complete(request, agent, assignments[0]!.subtask_uuid, "done")).status()).toBe(200);
  await expect(row.getByTestId("agent-load")).toHaveText("1/3");
  await expect(row.getByTestId("agent-done")).toHaveText("1");
  const api = (await (await request.get("/api/agents")).json()).agents.find((a: { id: string }) => a.id === agent.agent_id);
  expect(api.running).toBe(1);
  await saveScreenshot(page, "agents");

  // The overview's charts and cards show the same system.
  await page.goto("/");
  await expect(page.getByTestId("agent-load-chart")).toBeVisible();
  await expect(page.getByTestId("throughput-totals")).toContainText(/[1-9]\d* completed/);
  await saveScreenshot(page, "overview");
  // A laptop screen.
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(page.getByTestId("agent-load-chart")).toBeVisible();
  await saveScreenshot(page, "overview-laptop");
});
