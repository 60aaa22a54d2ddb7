// What a 1,000-task goal page costs to open in Chromium: time to the first DAG node, the
// goal fetch, the layout, the DOM rendered, the JS heap, and how long a live update
// takes to show. Needs a production build (`NEXT_DIST_DIR=… next build`) and PostgreSQL.
//   node --import tsx bench/goal-page.ts [tasks=1000] [runs=3]
import { chromium, type Page } from "@playwright/test";
import { io } from "socket.io-client";
import { migrateDatabase } from "@/lib/db/migrate";
import { createDatabase, databaseUrl, dropDatabase, randomDatabaseName } from "@/lib/testing/database";
import { startServer } from "@/lib/testing/server";

const TASKS = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 3);
const LAYER = 50;
const PORT = Number(process.env.BENCH_PORT ?? 4220);

async function api<T>(base: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(base + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function plan(n: number) {
  // Layers of 50; each task after the first layer depends on one or two of the layer before.
  return Array.from({ length: n }, (_, i) => {
    const layer = Math.floor(i / LAYER);
    const depends_on = layer === 0 ? [] : [`t${(layer - 1) * LAYER + (i % LAYER)}`, `t${(layer - 1) * LAYER + ((i * 7 + 3) % LAYER)}`];
    return {
      key: `t${i}`,
      name: `Task ${i} of layer ${layer}`,
      required_skills: ["bench"],
      priority: i % 4,
      depends_on: [...new Set(depends_on)],
    };
  });
}

const median = (xs: number[]) => {
  const known = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return known.length ? known[Math.floor(known.length / 2)]! : NaN;
};

async function measureOpen(page: Page, url: string, goalId: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForSelector('[data-testid="task-node"]', { timeout: 120_000 });
  const timings = await page.evaluate((goalId) => {
    const w = window as unknown as { __firstNodeAt?: number };
    const goal = performance.getEntriesByType("resource").find((e) => e.name.endsWith(`/api/goals/${goalId}`)) as
      PerformanceResourceTiming | undefined;
    const layout = performance.getEntriesByName("switchyard:dag-layout")[0];
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    return {
      firstNodeMs: w.__firstNodeAt ?? NaN,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? NaN,
      goalFetchMs: goal ? goal.responseEnd - goal.startTime : NaN,
      goalFetchStartMs: goal?.startTime ?? NaN,
      goalBytes: goal?.encodedBodySize ?? NaN,
      layoutMs: layout?.duration ?? NaN,
      renderedNodes: document.querySelectorAll('[data-testid="task-node"]').length,
      renderedEdges: document.querySelectorAll(".react-flow__edge").length,
      domElements: document.getElementsByTagName("*").length,
    };
  }, goalId);
  await page.waitForTimeout(500);
  await cdp.send("HeapProfiler.collectGarbage");
  const metrics = (await cdp.send("Performance.getMetrics")).metrics;
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { ...timings, heapUsedMb: metric("JSHeapUsedSize") / 1048576, heapTotalMb: metric("JSHeapTotalSize") / 1048576 };
}

async function main() {
  const name = randomDatabaseName("sy_bench_ui");
  await createDatabase(name);
  await migrateDatabase(databaseUrl(name));
  const server = await startServer({ databaseUrl: databaseUrl(name), port: PORT, env: { HEARTBEAT_TIMEOUT_S: "600" } });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  try {
    const base = server.url;
    const created = await api<{ goal_id: string; subtasks: Array<{ uuid: string; key: string }> }>(base, "/api/goals", {
      goal: `bench: ${TASKS} tasks`,
      plan: { tasks: plan(TASKS) },
    });
    const agent = await api<{ agent_id: string; token: string }>(base, "/api/orchestration/register", {
      name: "bench-agent",
      skills: ["bench"],
      capacity: 1000,
    });
    const { assignments } = await api<{ assignments: Array<{ subtask_uuid: string }> }>(
      base,
      "/api/orchestration/assign",
      { agent_id: agent.agent_id, max: LAYER },
      agent.token,
    );
    for (const a of assignments.slice(0, 30))
      await api(base, "/api/orchestration/complete", { subtask_uuid: a.subtask_uuid, result: "ok" }, agent.token);
    const url = `${base}/goals/${created.goal_id}`;
    // A socket of our own, to tell the server's push latency from the page's render time.
    const socket = io(base, { path: "/socket.io", transports: ["websocket"] });
    const arrivals = new Map<string, number>();
    socket.on("event", (e: { type: string; subtask_id: string | null }) => {
      if (e.type === "task.completed" && e.subtask_id) arrivals.set(e.subtask_id, Date.now());
    });
    await new Promise<void>((resolve) => socket.on("connect", () => socket.emit("subscribe", {}, () => resolve())));

    const runs: Array<
      Awaited<ReturnType<typeof measureOpen>> & {
        pushMs: number;
        browserEventMs: number;
        renderAfterEventMs: number;
        liveUpdateMs: number;
        panelMs: number;
      }
    > = [];
    for (let r = 0; r < RUNS; r++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addInitScript(() => {
        const observer = new MutationObserver(() => {
          if (document.querySelector('[data-testid="task-node"]')) {
            (window as unknown as { __firstNodeAt: number }).__firstNodeAt = performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document, { childList: true, subtree: true });
      });
      const page = await context.newPage();
      const result = await measureOpen(page, url, created.goal_id);
      if (r === 0) await page.screenshot({ path: "e2e/artifacts/goal-1000-tasks.png" });

      // A live update: complete a running task whose node is on screen; time until it turns.
      await page.waitForSelector('[data-testid="live-status"][data-connected="true"]');
      const key = await (await page.$('[data-testid="task-node"][data-status="running"]'))?.getAttribute("data-key");
      let liveUpdateMs = NaN;
      let pushMs = NaN;
      let renderAfterEventMs = NaN;
      let browserEventMs = NaN;
      if (key) {
        const uuid = created.subtasks.find((s) => s.key === key)!.uuid;
        await page.evaluate((key) => {
          const w = window as unknown as { __turnedAt?: number };
          const target = document.querySelector(`[data-testid="task-node"][data-key="${key}"]`)!.parentElement!.parentElement!;
          new MutationObserver((_, observer) => {
            if (document.querySelector(`[data-testid="task-node"][data-key="${key}"][data-status="completed"]`)) {
              w.__turnedAt = performance.now();
              observer.disconnect();
            }
          }).observe(target, { attributes: true, subtree: true, childList: true });
        }, key);
        const started = Date.now();
        await api(base, "/api/orchestration/complete", { subtask_uuid: uuid, result: "ok" }, agent.token);
        await page.waitForSelector(`[data-testid="task-node"][data-key="${key}"][data-status="completed"]`);
        renderAfterEventMs = await page
          .evaluate((uuid) => {
            const mark = performance
              .getEntriesByName("switchyard:event")
              .find((m) => (m as PerformanceMark).detail?.subtask_id === uuid && (m as PerformanceMark).detail?.type === "task.completed");
            const turned = (window as unknown as { __turnedAt?: number }).__turnedAt;
            return mark && turned ? { render: turned - mark.startTime, eventAt: performance.timeOrigin + mark.startTime } : null;
          }, uuid)
          .then((r) => {
            browserEventMs = r ? r.eventAt - started : NaN;
            return r?.render ?? NaN;
          });
        liveUpdateMs = Date.now() - started;
        pushMs = (arrivals.get(uuid) ?? NaN) - started;
      }
      // Selecting a node opens its panel.
      const clickStarted = Date.now();
      const visibleKey = await page.evaluate(() => {
        const frame = document.querySelector('[data-testid="dag"]')!.getBoundingClientRect();
        const inside = [...document.querySelectorAll<HTMLElement>('[data-testid="task-node"]')].find((n) => {
          const r = n.getBoundingClientRect();
          return r.left >= frame.left && r.right <= frame.right - 60 && r.top >= frame.top && r.bottom <= frame.bottom - 60;
        });
        return inside?.dataset.key ?? null;
      });
      await page.locator(`[data-testid="task-node"][data-key="${visibleKey}"]`).click();
      await page.waitForSelector('[data-testid="attempts"], [data-testid="no-attempts"]');
      const panelMs = Date.now() - clickStarted;
      runs.push({ ...result, pushMs, browserEventMs, renderAfterEventMs, liveUpdateMs, panelMs });
      await context.close();
    }
    const keys = Object.keys(runs[0]!) as Array<keyof (typeof runs)[number]>;
    const summary = Object.fromEntries(keys.map((k) => [k, Math.round(median(runs.map((r) => r[k] as number)) * 10) / 10]));
    socket.disconnect();
    console.log(
      JSON.stringify(
        { tasks: TASKS, edges: plan(TASKS).reduce((n, t) => n + t.depends_on.length, 0), runs: RUNS, median: summary, all: runs },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    await server.stop();
    await dropDatabase(name);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
