import { expect, test, type Page } from "@playwright/test";
import { createGoal, node, pull, registerAgent, saveScreenshot, uniqueSkill, waitForLive } from "./helpers";

/** A React Flow node's position in the graph (its transform), by the task's key. */
async function positionOf(page: Page, key: string): Promise<string> {
  return node(page, key).evaluate((el) => (el.closest(".react-flow__node") as HTMLElement).style.transform);
}

test("the DAG grows live when a task spawns, and the nodes already placed stay put", async ({ page, request }) => {
  const skill = uniqueSkill("grow");
  const goal = await createGoal(request, "scan then report (spawn)", [
    { key: "scan", name: "Scan the files", required_skills: [skill] },
    { key: "report", name: "Report", required_skills: [skill], depends_on: ["scan"] },
  ]);
  await page.goto(`/goals/${goal.goal_id}`);
  await waitForLive(page);
  await expect(page.getByTestId("dag")).toHaveAttribute("data-nodes", "2");
  await expect(page.getByTestId("goal-aggregation")).toContainText("concat");
  const scanAt = await positionOf(page, "scan");
  const reportAt = await positionOf(page, "report");
  // A marker that a reload would wipe.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  const agent = await registerAgent(request, { name: "spawner", skills: [skill], capacity: 3 });
  const [scan] = await pull(request, agent);
  expect(scan!.key).toBe("scan");
  const done = await request.post("/api/orchestration/complete", {
    headers: { authorization: `Bearer ${agent.token}` },
    data: {
      subtask_uuid: scan!.subtask_uuid,
      result: "3 files",
      spawn: { tasks: ["a.ts", "b.ts", "c.ts"].map((f, i) => ({ key: String(i + 1), name: `Review ${f}`, required_skills: [skill] })) },
    },
  });
  expect(done.status(), await done.text()).toBe(200);

  await expect(page.getByTestId("dag")).toHaveAttribute("data-nodes", "5");
  await expect(page.getByTestId("dag")).toHaveAttribute("data-edges", "7");
  for (const key of ["scan.1", "scan.2", "scan.3"]) {
    await expect(node(page, key)).toHaveAttribute("data-status", "pending");
    await expect(node(page, key)).toHaveAttribute("data-spawned", "true");
  }
  await expect(node(page, "scan")).toHaveAttribute("data-status", "completed");
  await expect(node(page, "report")).toHaveAttribute("data-status", "waiting");
  expect(await positionOf(page, "scan")).toBe(scanAt);
  expect(await positionOf(page, "report")).toBe(reportAt);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await saveScreenshot(page, "goal-spawned");

  // The spawned tasks feed the report, which becomes ready once they are done.
  for (const a of await pull(request, agent, 3))
    expect(
      (
        await request.post("/api/orchestration/complete", {
          headers: { authorization: `Bearer ${agent.token}` },
          data: { subtask_uuid: a.subtask_uuid, result: `reviewed ${a.key}` },
        })
      ).status(),
    ).toBe(200);
  await expect(node(page, "report")).toHaveAttribute("data-status", "pending");
});

test("the webhooks page registers a webhook, sends a test and shows its delivery log", async ({ page }) => {
  await page.goto("/webhooks");
  await page.getByLabel("URL").fill("http://127.0.0.1:9/unreachable");
  await page.getByRole("button", { name: "Register webhook" }).click();
  await expect(page.getByTestId("webhook-secret")).toContainText("whsec_");
  const hook = page.getByTestId("webhook").filter({ hasText: "127.0.0.1:9/unreachable" });
  await expect(hook).toBeVisible();
  await hook.getByRole("button", { name: "Send test" }).click();
  await hook.getByRole("button", { name: "Deliveries" }).click();
  // Port 9 is one fetch refuses to reach: the delivery is attempted, fails and waits for its retry.
  const row = hook.getByTestId("delivery-row").first();
  await expect(row).toContainText("webhook.test");
  await expect(row).toHaveAttribute("data-status", "pending");
  await expect(row).toContainText(/bad port|ECONNREFUSED|refused/);
  await saveScreenshot(page, "webhooks");
  await hook.getByRole("button", { name: "Delete" }).click();
  await expect(hook).toHaveCount(0);
});
