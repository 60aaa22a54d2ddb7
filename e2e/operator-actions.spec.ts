import { expect, test } from "@playwright/test";
import { complete, createGoal, fail, getTask, node, pull, registerAgent, saveScreenshot, uniqueSkill, waitForLive } from "./helpers";

test("a failed task is retried from the task panel", async ({ page, request }) => {
  const skill = uniqueSkill("retry");
  const goal = await createGoal(request, "a task that fails once (retry)", [
    { key: "flaky", name: "Flaky step", required_skills: [skill], max_attempts: 1, description: "Fails the first time." },
    { key: "after", name: "Runs after", required_skills: [skill], depends_on: ["flaky"] },
  ]);
  const flaky = goal.subtasks.find((s) => s.key === "flaky")!;
  const agent = await registerAgent(request, { name: "retry-worker", skills: [skill] });
  await pull(request, agent);
  // An error that looks like HTML must be shown as text.
  const failed = await fail(request, agent, flaky.uuid, "<b>boom</b>: connection reset");
  expect(failed.status()).toBe(200);

  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await expect(node(page, "flaky")).toHaveAttribute("data-status", "failed");
  await expect(node(page, "after")).toHaveAttribute("data-status", "skipped");
  // From the keyboard: a node is a button named by its key, name and status.
  await page.getByRole("button", { name: "flaky Flaky step: failed" }).focus();
  await page.keyboard.press("Enter");
  const panel = page.getByTestId("task-panel");
  await expect(panel.getByTestId("task-error")).toHaveText("<b>boom</b>: connection reset");
  await expect(panel.locator("b")).toHaveCount(0);
  await expect(panel.getByTestId("attempt-row")).toHaveCount(1);
  await saveScreenshot(page, "goal-failed-task-panel");

  await panel.getByRole("button", { name: "Retry" }).click();
  await expect(node(page, "flaky")).toHaveAttribute("data-status", "pending");
  await expect(node(page, "after")).toHaveAttribute("data-status", "waiting");
  const task = await getTask(request, flaky.uuid);
  expect(task.status).toBe("pending");
  expect(task.failures).toBe(0);

  // And it can now run to completion.
  const [again] = await pull(request, agent);
  expect(again!.subtask_uuid).toBe(flaky.uuid);
  expect((await complete(request, agent, flaky.uuid, "ok this time")).status()).toBe(200);
  await expect(node(page, "flaky")).toHaveAttribute("data-status", "completed");
  await expect(panel.getByTestId("attempt-row")).toHaveCount(2);
});

test("a running task is reassigned from the panel to another agent, and the old agent's late completion is refused", async ({
  page,
  request,
}) => {
  const skill = uniqueSkill("reassign");
  const goal = await createGoal(request, "a long task to move (reassign)", [
    { key: "long", name: "Long job", required_skills: [skill, "gpu"] },
  ]);
  const task = goal.subtasks[0]!;
  const first = await registerAgent(request, { name: "slow-agent", skills: [skill, "gpu"] });
  const second = await registerAgent(request, { name: "fast-agent", skills: [skill, "gpu", "extra"] });
  await registerAgent(request, { name: "unskilled-agent", skills: [skill] });
  const [assignment] = await pull(request, first);
  expect(assignment!.subtask_uuid).toBe(task.uuid);

  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await expect(node(page, "long")).toHaveAttribute("data-status", "running");
  await node(page, "long").click();
  const panel = page.getByTestId("task-panel");
  await expect(panel.getByTestId("task-agent")).toHaveText("slow-agent");
  const picker = panel.getByLabel("Reassign to");
  // Only live agents whose skills cover the task's, and not the one running it.
  await expect(picker.locator("option", { hasText: "fast-agent" })).toHaveCount(1);
  const options = await picker.locator("option").allTextContents();
  expect(options.some((o) => o.startsWith("fast-agent"))).toBe(true);
  expect(options.some((o) => o.startsWith("unskilled-agent"))).toBe(false);
  expect(options.some((o) => o.startsWith("slow-agent"))).toBe(false);
  await picker.selectOption({ label: options.find((o) => o.startsWith("fast-agent"))! });
  await saveScreenshot(page, "goal-reassign-panel");
  await panel.getByRole("button", { name: "Reassign" }).click();

  await expect(node(page, "long").getByTestId("task-node-agent")).toHaveText("fast-agent");
  await expect(panel.getByTestId("task-agent")).toHaveText("fast-agent");
  const after = await getTask(request, task.uuid);
  expect(after.agent_id).toBe(second.agent_id);
  expect(after.status).toBe("running");
  expect(after.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(["superseded", "running"]);
  await expect(panel.getByTestId("attempt-row")).toHaveCount(2);

  const late = await complete(request, first, task.uuid, "too late", assignment!.attempt);
  expect(late.status()).toBe(409);
});
