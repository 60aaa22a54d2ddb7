import { expect, test } from "@playwright/test";
import { complete, createGoal, node, pull, registerAgent, saveScreenshot, uniqueSkill, waitForLive } from "./helpers";

test("an agent completes a task and its node turns completed without a reload", async ({ page, request }) => {
  const skill = uniqueSkill("live");
  const goal = await createGoal(request, "collect then report (live)", [
    { key: "collect", name: "Collect data", required_skills: [skill] },
    { key: "report", name: "Write report", required_skills: [skill], depends_on: ["collect"] },
  ]);
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await expect(node(page, "collect")).toHaveAttribute("data-status", "pending");
  await expect(node(page, "report")).toHaveAttribute("data-status", "waiting");
  // A marker that a reload would wipe.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const agent = await registerAgent(request, { name: "live-worker", skills: [skill] });
  const [assignment] = await pull(request, agent);
  expect(assignment!.key).toBe("collect");
  await expect(node(page, "collect")).toHaveAttribute("data-status", "running");
  await expect(node(page, "collect").getByTestId("task-node-agent")).toHaveText("live-worker");
  await saveScreenshot(page, "goal-running");

  const done = await complete(request, agent, assignment!.subtask_uuid, "42 rows collected");
  expect(done.status()).toBe(200);
  await expect(node(page, "collect")).toHaveAttribute("data-status", "completed");
  await expect(node(page, "report")).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("goal-progress")).toContainText("1/2 completed");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  await node(page, "collect").click();
  await expect(page.getByTestId("task-result")).toHaveText("42 rows collected");
  await expect(page.getByTestId("attempt-row")).toHaveCount(1);
  await expect(page.getByTestId("attempt-row").first()).toHaveAttribute("data-outcome", "completed");
  await saveScreenshot(page, "goal-completed-task-panel");
});
