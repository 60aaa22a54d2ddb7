// What the tensor heatmap costs at 5,000 tasks × 200 agents: the binary fetch, the
// slice + paint of one million cells on the canvas, and a level switch.
//   node --import tsx bench/tensor-page.ts [tasks=5000] [agents=200]
import { call, withServerAndBrowser } from "./util";

const TASKS = Number(process.argv[2] ?? 5000);
const AGENTS = Number(process.argv[3] ?? 200);
const PORT = Number(process.env.BENCH_PORT ?? 4221);

async function main() {
  const env = { HEARTBEAT_TIMEOUT_S: "600", SWITCHYARD_DISABLE_SWEEP: "1" };
  await withServerAndBrowser({ databasePrefix: "sy_bench_tensor", port: PORT, env }, async ({ server, browser }) => {
    const skills = ["a", "b", "c", "d"];
    for (let j = 0; j < AGENTS; j++)
      await call(`${server.url}/api/orchestration/register`, {
        name: `agent-${j}`,
        skills: skills.filter((_, k) => (j >> k) & 1 || k === j % 4),
        capacity: 4,
      });
    const tasks = Array.from({ length: TASKS }, (_, i) => ({
      key: `t${i}`,
      name: `Task ${i}`,
      required_skills: [skills[i % 4]!],
      priority: i % 4,
    }));
    const goal = await call<{ goal_id: string }>(`${server.url}/api/goals`, { goal: `tensor bench ${TASKS}`, plan: { tasks } });

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const apiStarted = Date.now();
    const bytes = (await (await fetch(`${server.url}/api/orchestration/tensor?goal_id=${goal.goal_id}&format=binary`)).arrayBuffer())
      .byteLength;
    const apiMs = Date.now() - apiStarted;

    await page.goto(`${server.url}/tensor`);
    await page.getByLabel("Goal", { exact: true }).selectOption(goal.goal_id);
    const selected = Date.now();
    const canvas = page.getByTestId("tensor-canvas");
    await canvas.and(page.locator(`[data-rows="${TASKS}"]`)).waitFor({ timeout: 120_000 });
    await page.getByText(/drawn in \d+ ms/).waitFor();
    const toHeatmapMs = Date.now() - selected;
    const firstDraw = await page.getByText(/drawn in \d+ ms/).textContent();
    await page.getByLabel("Priority level", { exact: true }).selectOption("2");
    await canvas.and(page.locator('[data-level="2"]')).waitFor();
    const levelDraw = await page.getByText(/drawn in \d+ ms/).textContent();
    const hoverStarted = Date.now();
    await canvas.hover({ position: { x: 20, y: 40 } });
    await page.getByTestId("tensor-hover").getByText("Values by level").waitFor();
    const hoverMs = Date.now() - hoverStarted;
    const heapMb = await page.evaluate(
      () => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN) / 1048576,
    );
    const size = await canvas.evaluate((c: HTMLCanvasElement) => `${c.width}x${c.height}`);
    await page.screenshot({ path: "e2e/artifacts/tensor-5000x200.png" });
    console.log(
      JSON.stringify(
        {
          tasks: TASKS,
          agents: AGENTS,
          binaryBytes: bytes,
          apiMs,
          selectToHeatmapMs: toHeatmapMs,
          firstDraw,
          levelDraw,
          hoverMs,
          heapMb: Math.round(heapMb),
          canvas: size,
        },
        null,
        2,
      ),
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
