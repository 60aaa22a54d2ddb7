import { expect, test } from "@playwright/test";
import { saveScreenshot, waitForLive } from "./helpers";

test("an operator previews and submits a goal through the form and sees its DAG with one node per task", async ({ page, request }) => {
  await page.goto("/");
  await waitForLive(page);
  const goalText = `develop authentication system ${Date.now()}`;
  await page.getByLabel("Goal", { exact: true }).fill(goalText);
  await page.getByLabel("Context").fill("OAuth and passwords; keep it simple");

  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByTestId("decomposition-preview");
  await expect(preview).toContainText("template development");
  await expect(preview.locator("tbody tr")).toHaveCount(4);
  await expect(preview).toContainText("Requirements Analysis");
  // The preview stored nothing.
  const before = await (await request.get("/api/goals")).json();
  expect(before.goals.some((g: { goal: string }) => g.goal === goalText)).toBe(false);
  await saveScreenshot(page, "overview-preview");

  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page).toHaveURL(/\/goals\/[0-9a-f-]{36}$/);
  const goalId = page.url().split("/").pop()!;
  const goal = await (await request.get(`/api/goals/${goalId}`)).json();
  expect(goal.goal).toBe(goalText);
  await expect(page.getByTestId("goal-title")).toHaveText(goalText);
  await expect(page.getByTestId("dag")).toHaveAttribute("data-nodes", String(goal.subtasks.length));
  await expect(page.getByTestId("task-node")).toHaveCount(goal.subtasks.length);
  for (const s of goal.subtasks)
    await expect(page.locator(`[data-testid="task-node"][data-key="${s.key}"]`)).toHaveAttribute("data-status", s.status);
  await saveScreenshot(page, "goal-submitted");
});

test("a plan that is not valid JSON, or that the API refuses, is explained next to the form", async ({ page }) => {
  await page.goto("/");
  const form = page.getByRole("form", { name: "Submit a goal" });
  await page.getByLabel("Goal", { exact: true }).fill("a goal with a broken plan");
  await page.getByText("Explicit plan (JSON, optional)").click();
  await page.getByLabel("Explicit plan as JSON").fill("{ not json");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(form.getByRole("alert")).toContainText("not valid JSON");

  await page.getByLabel("Explicit plan as JSON").fill(
    JSON.stringify({
      tasks: [
        { key: "a", name: "A", depends_on: ["b"] },
        { key: "b", name: "B", depends_on: ["a"] },
      ],
    }),
  );
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(form.getByRole("alert")).toContainText(/cycle/i);
  await expect(page).toHaveURL(/\/$/);
});
