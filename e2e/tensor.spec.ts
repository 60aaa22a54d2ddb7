import { expect, test } from "@playwright/test";
import { createGoal, pull, registerAgent, saveScreenshot, uniqueSkill, waitForLive } from "./helpers";

test("the tensor page draws a heatmap whose dimensions match the API's tensor, and reads a cell on hover", async ({ page, request }) => {
  const skill = uniqueSkill("tensor");
  const tasks = Array.from({ length: 12 }, (_, i) => ({
    key: `T${String(i + 1).padStart(2, "0")}`,
    name: `Tensor task ${i + 1}`,
    required_skills: [skill],
    priority: (["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const)[i % 4],
  }));
  const goal = await createGoal(request, "a dozen tasks for the tensor", tasks);
  const agents = [];
  for (const name of ["tensor-a", "tensor-b", "tensor-c"])
    agents.push(await registerAgent(request, { name, skills: [skill], capacity: 2 }));
  await pull(request, agents[0]!, 2);

  const api = await (await request.get(`/api/orchestration/tensor?goal_id=${goal.goal_id}&format=sparse`)).json();
  expect(api.shape[0]).toBe(12);

  await page.goto("/tensor");
  await waitForLive(page);
  await page.getByLabel("Goal", { exact: true }).selectOption(goal.goal_id);
  const canvas = page.getByTestId("tensor-canvas");
  await expect(canvas).toHaveAttribute("data-rows", String(api.shape[0]));
  await expect(canvas).toHaveAttribute("data-cols", String(api.shape[1]));
  const nonZeroInApi = new Set(api.entries.map((e: number[]) => `${e[0]},${e[1]}`)).size;
  await expect(canvas).toHaveAttribute("data-nonzero", String(nonZeroInApi));
  // The canvas really has that many cells' worth of pixels.
  const box = await canvas.evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height }));
  expect(box.width % api.shape[1]).toBe(0);
  expect(box.height % api.shape[0]).toBe(0);

  // Hover the first task's cell of the agent that holds it: value 1.0 at its level.
  const held = api.entries.find((e: number[]) => e[3] === 1)!;
  const cellW = box.width / api.shape[1];
  const cellH = box.height / api.shape[0];
  await canvas.hover({ position: { x: held[1] * cellW + cellW / 2, y: held[0] * cellH + cellH / 2 } });
  const hover = page.getByTestId("tensor-hover");
  await expect(hover).toContainText(tasks[held[0]]!.key);
  await expect(hover).toContainText("tensor-a");
  await expect(hover.getByTestId(`tensor-hover-level-${held[2]}`)).toHaveText("1.000");
  await saveScreenshot(page, "tensor");

  await page.getByLabel("Priority level", { exact: true }).selectOption("0");
  await expect(canvas).toHaveAttribute("data-level", "0");
  const level0 = new Set(api.entries.filter((e: number[]) => e[2] === 0).map((e: number[]) => `${e[0]},${e[1]}`)).size;
  await expect(canvas).toHaveAttribute("data-nonzero", String(level0));
});
