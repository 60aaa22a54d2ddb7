// Issue 9 in the browser: a running task's live output and progress, usage and the
// final output on the goal page, the timeline's bars, and tasks no agent can take.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { complete, createGoal, fail, node, pull, registerAgent, saveScreenshot, uniqueSkill, waitForLive, type TestAgent } from "./helpers";

async function progress(request: APIRequestContext, agent: TestAgent, body: Record<string, unknown>) {
  const res = await request.post("/api/orchestration/progress", { headers: { authorization: `Bearer ${agent.token}` }, data: body });
  expect(res.status(), await res.text()).toBe(200);
}

test("a running task's output lines and progress arrive live; the finished goal shows its final output and cost", async ({
  page,
  request,
}) => {
  const skill = uniqueSkill("visible");
  const goal = await createGoal(request, "translate intro (visible)", [
    { key: "T-01", name: "Translate intro.md", required_skills: [skill] },
  ]);
  const agent = await registerAgent(request, { name: "visible-worker", skills: [skill] });
  const [a] = await pull(request, agent);
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await node(page, "T-01").click();
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await progress(request, agent, {
    subtask_uuid: a!.subtask_uuid,
    progress: 0.4,
    message: "reading files",
    output: "line one\n\u001b[31mred line\u001b[0m\n",
  });
  const out = page.getByTestId("live-output");
  await expect(out).toContainText("line one");
  await expect(out).toContainText("red line");
  await expect(out).not.toContainText("[31m");
  await expect(node(page, "T-01").getByTestId("task-node-progress")).toHaveAttribute("data-progress", "0.4");
  await expect(node(page, "T-01").getByTestId("task-node-message")).toHaveText("reading files");

  await progress(request, agent, {
    subtask_uuid: a!.subtask_uuid,
    progress: 0.8,
    message: "writing",
    output: "line three\n",
    usage: { input_tokens: 1200, output_tokens: 300, cost_usd: 0.25 },
  });
  await expect(out).toContainText("line three");
  await expect(node(page, "T-01").getByTestId("task-node-progress")).toHaveAttribute("data-progress", "0.8");
  await expect(page.getByTestId("task-progress-message")).toHaveText("writing");
  await expect(page.getByTestId("goal-cost")).toContainText("$0.25");
  await saveScreenshot(page, "visible-live-output");

  const done = await request.post("/api/orchestration/complete", {
    headers: { authorization: `Bearer ${agent.token}` },
    data: { subtask_uuid: a!.subtask_uuid, result: "简介 — translated intro", usage: { cost_usd: 0.5 } },
  });
  expect(done.status()).toBe(200);
  await expect(page.getByTestId("final-output")).toContainText("简介 — translated intro");
  await expect(page.getByTestId("goal-cost")).toContainText("$0.75");
  await expect(page.getByTestId("task-result")).toContainText("translated intro");
  await expect(out).toContainText("line three"); // the stored output stays after the end
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await saveScreenshot(page, "visible-final-output");
});

test("the timeline shows a bar per attempt, and a task no live agent can take is flagged", async ({ page, request }) => {
  const skill = uniqueSkill("timeline");
  const nobody = uniqueSkill("nobody");
  const goal = await createGoal(request, "retry then succeed (timeline)", [
    { key: "T-01", name: "Flaky step", required_skills: [skill], max_attempts: 3 },
    { key: "T-02", name: "Needs a rare skill", required_skills: [nobody] },
  ]);
  const agent = await registerAgent(request, { name: "timeline-worker", skills: [skill] });
  const [first] = await pull(request, agent);
  expect((await fail(request, agent, first!.subtask_uuid, "flaky")).status()).toBe(200);
  // The retry comes after a short backoff (RETRY_BASE_MS in e2e/global-setup.ts).
  let second: Awaited<ReturnType<typeof pull>>[number] | undefined;
  await expect.poll(async () => (second ??= (await pull(request, agent))[0])?.attempt, { timeout: 10_000 }).toBe(2);
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await expect(node(page, "T-02")).toHaveAttribute("data-unroutable", "true");
  await expect(page.getByTestId("goal-unroutable")).toContainText(`1 task waits for an agent with skill ${nobody}`);

  await page.getByRole("button", { name: "Timeline", exact: true }).click();
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toBeVisible();
  await expect(page.getByTestId("timeline-bar")).toHaveCount(2);
  await expect(page.getByTestId("timeline-bar").first()).toHaveAttribute("data-outcome", "failed");
  await expect(page.getByTestId("timeline-bar").nth(1)).toHaveAttribute("data-outcome", "running");
  expect((await complete(request, agent, second!.subtask_uuid, "ok", 2)).status()).toBe(200);
  await expect(page.getByTestId("timeline-bar").nth(1)).toHaveAttribute("data-outcome", "completed");
  await page.getByRole("button", { name: "per agent" }).click();
  await expect(timeline).toHaveAttribute("data-mode", "agent");
  await expect(timeline).toHaveAttribute("data-rows", "1");
  await saveScreenshot(page, "visible-timeline");
});
