import { expect, test } from "@playwright/test";
import { complete, createGoal, node, pull, registerAgent, uniqueSkill, waitForLive } from "./helpers";

test("a page that loses its connection catches up on reconnect, without a reload", async ({ page, context, request }) => {
  const skill = uniqueSkill("reconnect");
  const goal = await createGoal(request, "work done while the browser was away (reconnect)", [
    { key: "one", name: "First", required_skills: [skill] },
    { key: "two", name: "Second", required_skills: [skill], depends_on: ["one"] },
  ]);
  const agent = await registerAgent(request, { name: "reconnect-worker", skills: [skill] });
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  // Seen live first, so the page has a seq to resume from.
  const [first] = await pull(request, agent);
  await expect(node(page, "one")).toHaveAttribute("data-status", "running");
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await context.setOffline(true);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-connected", "false");
  expect((await complete(request, agent, first!.subtask_uuid, "done while away")).status()).toBe(200);
  const [second] = await pull(request, agent);
  expect(second!.key).toBe("two");
  await page.waitForTimeout(500);
  await expect(node(page, "one")).toHaveAttribute("data-status", "running"); // nothing arrives while offline

  await context.setOffline(false);
  await waitForLive(page);
  await expect(node(page, "one")).toHaveAttribute("data-status", "completed");
  await expect(node(page, "two")).toHaveAttribute("data-status", "running");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
});
