// Issue 10 in the browser: approval gates (edit-then-approve, reject with feedback),
// re-run from here, pause/resume, bulk retry of failed tasks from the table, goal search.
import { expect, test } from "@playwright/test";
import {
  complete,
  createGoal,
  fail,
  getTask,
  node,
  pull,
  registerAgent,
  saveScreenshot,
  uniqueSkill,
  waitForLive,
  type PlanTask,
} from "./helpers";

async function createGated(request: Parameters<typeof createGoal>[0], goal: string, skill: string) {
  const tasks = [
    { key: "draft", name: "Draft", required_skills: [skill], approval: true },
    { key: "publish", name: "Publish", required_skills: [skill], depends_on: ["draft"] },
  ] as unknown as PlanTask[];
  return createGoal(request, goal, tasks);
}

test("edit-then-approve: the edited result is what the dependent gets", async ({ page, request }) => {
  const skill = uniqueSkill("approve");
  const goal = await createGated(request, "a gated draft (edit then approve)", skill);
  const draft = goal.subtasks.find((s) => s.key === "draft")!;
  const agent = await registerAgent(request, { name: "gate-writer", skills: [skill], capacity: 2 });
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await pull(request, agent);
  expect((await complete(request, agent, draft.uuid, "the agent's draft")).status()).toBe(200);
  await expect(node(page, "draft")).toHaveAttribute("data-status", "awaiting_approval");
  await expect(page.getByTestId("awaiting-approval-count")).toHaveText("1 awaiting approval");
  await expect(node(page, "publish")).toHaveAttribute("data-status", "waiting");

  await node(page, "draft").click();
  const panel = page.getByTestId("task-panel");
  await panel.getByRole("button", { name: "Edit result" }).click();
  const editor = panel.getByLabel("Edited result");
  await expect(editor).toHaveValue("the agent's draft");
  await editor.fill("the operator's better draft");
  await saveScreenshot(page, "approval-edit");
  await panel.getByRole("button", { name: "Approve edited result" }).click();
  await expect(node(page, "draft")).toHaveAttribute("data-status", "completed");
  await expect(node(page, "publish")).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("awaiting-approval-count")).toHaveCount(0);

  const [next] = await pull(request, agent);
  expect(next!.key).toBe("publish");
  expect((next as unknown as { inputs: Array<{ result: string }> }).inputs[0]!.result).toBe("the operator's better draft");
  const history = await getTask(request, draft.uuid);
  expect(history.attempts[0].result).toBe("the agent's draft");
});

test("reject with feedback: the next attempt is handed the feedback", async ({ page, request }) => {
  const skill = uniqueSkill("reject");
  const goal = await createGated(request, "a gated draft (reject)", skill);
  const draft = goal.subtasks.find((s) => s.key === "draft")!;
  const agent = await registerAgent(request, { name: "gate-rewriter", skills: [skill] });
  await pull(request, agent);
  await complete(request, agent, draft.uuid, "too short");
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await node(page, "draft").click();
  const panel = page.getByTestId("task-panel");
  await panel.getByRole("button", { name: "Reject" }).click();
  await panel.getByLabel("Feedback for the next attempt").fill("Cite at least two sources.");
  await panel.getByRole("button", { name: "Reject with feedback" }).click();
  await expect(node(page, "draft")).toHaveAttribute("data-status", "pending");
  await expect(panel.getByTestId("attempt-feedback")).toContainText("Cite at least two sources.");
  const [again] = (await pull(request, agent)) as unknown as Array<{
    key: string;
    attempt: number;
    feedback: string;
    previous_attempt: { result: string };
  }>;
  expect(again).toMatchObject({
    key: "draft",
    attempt: 2,
    feedback: "Cite at least two sources.",
    previous_attempt: { result: "too short" },
  });
});

test("re-run from here resets the task and what depends on it", async ({ page, request }) => {
  const skill = uniqueSkill("rerun");
  const goal = await createGoal(request, "a chain to re-run", [
    { key: "one", name: "One", required_skills: [skill] },
    { key: "two", name: "Two", required_skills: [skill], depends_on: ["one"] },
    { key: "three", name: "Three", required_skills: [skill], depends_on: ["two"] },
  ]);
  const agent = await registerAgent(request, { name: "rerun-worker", skills: [skill] });
  for (let i = 0; i < 3; i++) {
    const [a] = await pull(request, agent);
    await complete(request, agent, a!.subtask_uuid, `${a!.key} v1`);
  }
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await expect(node(page, "three")).toHaveAttribute("data-status", "completed");
  await node(page, "two").click();
  const panel = page.getByTestId("task-panel");
  await panel.getByRole("button", { name: "Re-run from here" }).click();
  await panel.getByLabel("Description for the re-run").fill("Two, done properly");
  await panel.getByRole("button", { name: "Confirm re-run" }).click();
  await expect(node(page, "two")).toHaveAttribute("data-status", "pending");
  await expect(node(page, "three")).toHaveAttribute("data-status", "waiting");
  await expect(node(page, "one")).toHaveAttribute("data-status", "completed");
  const [a] = (await pull(request, agent)) as unknown as Array<{ key: string; description: string }>;
  expect(a).toMatchObject({ key: "two", description: "Two, done properly" });
});

test("pause and resume a goal", async ({ page, request }) => {
  const skill = uniqueSkill("pause");
  const goal = await createGoal(request, "a goal to pause", [
    { key: "p1", name: "P1", required_skills: [skill] },
    { key: "p2", name: "P2", required_skills: [skill] },
  ]);
  const agent = await registerAgent(request, { name: "pause-worker", skills: [skill], capacity: 2 });
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await page.getByRole("button", { name: "Pause goal" }).click();
  await expect(page.getByRole("button", { name: "Resume goal" })).toBeVisible();
  expect(await pull(request, agent, 2)).toEqual([]);
  await saveScreenshot(page, "goal-paused");
  await page.getByRole("button", { name: "Resume goal" }).click();
  await expect(page.getByRole("button", { name: "Pause goal" })).toBeVisible();
  expect(await pull(request, agent, 2)).toHaveLength(2);
  await expect(node(page, "p1")).toHaveAttribute("data-status", "running");
});

test("bulk retry of the failed tasks from the task table, behind a dry-run count", async ({ page, request }) => {
  const skill = uniqueSkill("bulk");
  const tasks = Array.from({ length: 6 }, (_, i) => ({ key: `b${i}`, name: `Bulk ${i}`, required_skills: [skill], max_attempts: 1 }));
  const goal = await createGoal(request, "six tasks, four fail (bulk retry)", tasks);
  const agent = await registerAgent(request, { name: "bulk-worker", skills: [skill], capacity: 6 });
  const got = await pull(request, agent, 6);
  for (const [i, a] of got.entries()) {
    if (i < 4) expect((await fail(request, agent, a.subtask_uuid, "flaky")).status()).toBe(200);
    else await complete(request, agent, a.subtask_uuid, "ok");
  }
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await page.getByRole("button", { name: "Table" }).click();
  await expect(page.getByTestId("task-row")).toHaveCount(6);
  await page.getByLabel("Filter by status").selectOption("failed");
  await expect(page.getByTestId("task-row")).toHaveCount(4);
  await page.getByLabel("Select all matching tasks").check();
  await page.getByRole("button", { name: "Retry matching" }).click();
  await expect(page.getByTestId("bulk-dry-run")).toContainText("Retry 4 of 4 matching tasks");
  await saveScreenshot(page, "bulk-confirm");
  await page.getByRole("button", { name: "Confirm retry" }).click();
  await expect(page.getByTestId("bulk-outcome")).toContainText("4 changed, 0 skipped");
  await page.getByLabel("Filter by status").selectOption("");
  await expect(page.locator('[data-testid="task-row"][data-status="pending"]')).toHaveCount(4);
  await expect(page.locator('[data-testid="task-row"][data-status="completed"]')).toHaveCount(2);
});

test("goal search on the overview", async ({ page, request }) => {
  const word = `zebra${Math.random().toString(36).slice(2, 7)}`;
  // A skill no agent has: other specs' agents must not pull these.
  const nobody = uniqueSkill("search-nobody");
  await createGoal(request, `Find the ${word} herd`, [{ key: "z", name: "Z", required_skills: [nobody] }]);
  await createGoal(request, "Count the penguins", [{ key: "p", name: "P", required_skills: [nobody] }]);
  await page.goto("/");
  const search = page.getByLabel("Search goals");
  await search.fill(word.slice(0, 8));
  await expect(page.getByTestId("goal-row")).toHaveCount(1);
  await expect(page.getByTestId("goal-row")).toContainText(`Find the ${word} herd`);
  await search.fill(`${word} penguins`);
  await expect(page.getByText("No goal matches")).toBeVisible();
  await search.fill("");
  await page.getByLabel("Filter goals by status").selectOption("cancelled");
  await expect(page.getByText("No goal matches")).toBeVisible();
});
