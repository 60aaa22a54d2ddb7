// What a 1,000-task goal page costs in Chromium (issue 9's targets): the first DAG node
// painted (navigation → the frame after the node is in the DOM; target < 1.0 s) and a live
// event redrawing its node (the event's WebSocket frame reaching the page → the frame after
// the node shows the new status; target < 100 ms), quiet and again while 15 running tasks
// stream output, the timeline is open beside the graph and the task panel follows a live
// tail. Also the goal fetch, the layout, the DOM, the JS heap and the panel's opening.
// Needs a production build and PostgreSQL:
//   NEXT_DIST_DIR=.next-bench npx next build
//   NEXT_DIST_DIR=.next-bench node --import tsx bench/goal-page.ts [tasks=1000] [runs=3]
// BENCH_PROFILE=dir writes Chromium CPU profiles (.cpuprofile) of each run's opening and quiet
// events (the opening then follows a same-origin page, so its figures are not the bench's).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CDPSession, Page } from "@playwright/test";
import { layoutDag, NODE_HEIGHT } from "@/lib/ui/layout";
import { call, percentile, registerAgents, sleep, withServerAndBrowser, type BenchAgent } from "./util";

const TASKS = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 3);
const LAYER = 50;
const PORT = Number(process.env.BENCH_PORT ?? 4220);
const PROFILE_DIR = process.env.BENCH_PROFILE;
/** Tasks on screen when the page opens that a probe agent fails and takes again, to time redraws. */
const PROBES = 4;
/** Status changes timed per run and phase. */
const EVENTS_PER_PHASE = 8;
/** Running tasks that stream output in the busy phase (each 12 lines every 250 ms, as switchyard-agent batches). */
const STREAMERS = 15;
/** Let the refetch a previous event asked for (after 1 s) land before the next event, so each is timed alone. */
const EVENT_GAP_MS = 1500;

interface PlanTask {
  key: string;
  name: string;
  required_skills: string[];
  priority: number;
  depends_on: string[];
  max_attempts?: number;
}

function plan(n: number): PlanTask[] {
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

/**
 * The first layer's tasks the page opens on, top row first: the page lays the DAG out with
 * the same pure layoutDag (keyed by task id, here the plan keys stand in; the layout only
 * depends on the order and the edges) and opens on the first ranks' first rows.
 */
function firstLayerInView(tasks: PlanTask[]): string[] {
  const { positions } = layoutDag(
    tasks.map((t) => ({ id: t.key })),
    tasks.flatMap((t) => t.depends_on.map((d) => ({ from: d, to: t.key }))),
  );
  return [...positions.entries()]
    .filter(([, p]) => p.x === 0 && p.y < 7 * (NODE_HEIGHT + 20))
    .sort((a, b) => a[1].y - b[1].y)
    .map(([key]) => key);
}

// ---------------------------------------------------------------------------------------
// In the page (added before any of its scripts): when the WebSocket frame of an expected
// event arrives, when the node shows it in the DOM, and the frame after that (painted).

interface Probe {
  key: string;
  status: string;
  subtaskId: string;
  arrival: number;
  dom: number;
  paint: number;
}
interface BenchState {
  firstNode: number;
  firstNodePaint: number;
  probe: Probe | null;
}

function instrumentPage() {
  const state: BenchState = { firstNode: NaN, firstNodePaint: NaN, probe: null };
  (window as unknown as { __bench: BenchState }).__bench = state;
  // requestAnimationFrame runs before the frame's style, layout and paint; a task queued
  // from it runs once that frame is done.
  const afterPaint = (done: (at: number) => void) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(performance.now());
      channel.port2.postMessage(null);
    });
  const visibleNode = (selector: string) => {
    const node = document.querySelector<HTMLElement>(selector);
    return node && node.closest<HTMLElement>(".react-flow__node")?.style.visibility !== "hidden" ? node : null;
  };
  new MutationObserver(() => {
    if (Number.isNaN(state.firstNode) && visibleNode('[data-testid="task-node"]')) {
      state.firstNode = performance.now();
      afterPaint((at) => (state.firstNodePaint = at));
    }
    const probe = state.probe;
    if (
      probe &&
      Number.isNaN(probe.dom) &&
      visibleNode(`[data-testid="task-node"][data-key="${probe.key}"][data-status="${probe.status}"]`)
    ) {
      probe.dom = performance.now();
      afterPaint((at) => (probe.paint = at));
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-status", "style"] });

  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Added before socket.io's own handler, so it runs first.
      this.addEventListener("message", (e: MessageEvent) => {
        const at = performance.now();
        const probe = state.probe;
        if (!probe || !Number.isNaN(probe.arrival) || typeof e.data !== "string" || !e.data.startsWith('42["event"')) return;
        const event = (JSON.parse(e.data.slice(2)) as [string, { subtask_id?: string; data?: { status?: string } }])[1];
        if (event.subtask_id === probe.subtaskId && event.data?.status === probe.status) probe.arrival = at;
      });
    }
  };
}

interface EventTiming {
  /** Change committed (the API call started) → its frame at the page's socket. */
  pushMs: number;
  /** Frame at the socket → the node's DOM shows the new status. */
  domMs: number;
  /** Frame at the socket → the frame after that painted: the figure issue 9 targets. */
  redrawMs: number;
  /** API call started → painted. */
  totalMs: number;
}

async function timeEvent(page: Page, probe: { key: string; status: string; subtaskId: string }, change: () => Promise<unknown>) {
  await page.evaluate((p) => {
    (window as unknown as { __bench: BenchState }).__bench.probe = { ...p, arrival: NaN, dom: NaN, paint: NaN };
  }, probe);
  const started = Date.now();
  await change();
  const handle = await page.waitForFunction(
    () => {
      const p = (window as unknown as { __bench: BenchState }).__bench.probe!;
      return Number.isNaN(p.paint) || Number.isNaN(p.arrival) ? null : { ...p, origin: performance.timeOrigin };
    },
    undefined,
    { timeout: 30_000 },
  );
  const p = (await handle.jsonValue())!;
  return {
    pushMs: p.origin + p.arrival - started,
    domMs: p.dom - p.arrival,
    redrawMs: p.paint - p.arrival,
    totalMs: p.origin + p.paint - started,
  } satisfies EventTiming;
}

/** The probe tasks turn: failed (→ retrying), then taken again by the probe agent (→ running). */
async function timeEvents(page: Page, base: string, probeAgent: BenchAgent, probes: Array<{ key: string; uuid: string }>, count: number) {
  const timings: EventTiming[] = [];
  for (let i = 0; i < count; i++) {
    const probe = probes[Math.floor(i / 2) % probes.length]!;
    await sleep(EVENT_GAP_MS);
    if (i % 2 === 0) {
      timings.push(
        await timeEvent(page, { key: probe.key, status: "retrying", subtaskId: probe.uuid }, () =>
          call(`${base}/api/orchestration/fail`, { subtask_uuid: probe.uuid, error: "bench: fail to retry" }, probeAgent.token),
        ),
      );
    } else {
      timings.push(
        await timeEvent(page, { key: probe.key, status: "running", subtaskId: probe.uuid }, async () => {
          const { assignments } = await call<{ assignments: unknown[] }>(
            `${base}/api/orchestration/assign`,
            { agent_id: probeAgent.agent_id, max: 1 },
            probeAgent.token,
          );
          if (assignments.length !== 1) throw new Error("the probe agent got no task back");
        }),
      );
    }
  }
  return timings;
}

/** Progress with 12 lines of output every 250 ms from each streamer, until `stop` resolves. */
async function streamOutput(base: string, agent: BenchAgent, tasks: Array<{ uuid: string; attempt: number }>, stop: Promise<void>) {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const line = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n";
  let reports = 0;
  await Promise.all(
    tasks.map(async (t, i) => {
      await sleep((i * 250) / tasks.length);
      for (let n = 0; !stopped; n++) {
        const tick = Date.now();
        await call(
          `${base}/api/orchestration/progress`,
          { subtask_uuid: t.uuid, attempt: t.attempt, progress: (n % 100) / 100, message: `step ${n}`, output: line.repeat(12) },
          agent.token,
        );
        reports++;
        await sleep(Math.max(0, 250 - (Date.now() - tick)));
      }
    }),
  );
  return reports;
}

async function measureOpen(page: Page, cdp: CDPSession, url: string, goalId: string, profile?: string) {
  if (profile) {
    // A page of the same origin first, so the profiler is running in the renderer that loads the goal.
    await page.goto(new URL("/api/health", url).href);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.start");
  }
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => !Number.isNaN((window as unknown as { __bench: BenchState }).__bench.firstNodePaint), undefined, {
    timeout: 120_000,
  });
  const timings = await page.evaluate((goalId) => {
    const bench = (window as unknown as { __bench: BenchState }).__bench;
    const goal = performance.getEntriesByType("resource").find((e) => e.name.endsWith(`/api/goals/${goalId}`)) as
      PerformanceResourceTiming | undefined;
    const layout = performance.getEntriesByName("switchyard:dag-layout")[0];
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    return {
      firstNodePaintMs: bench.firstNodePaint,
      firstNodeDomMs: bench.firstNode,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? NaN,
      // The page carries the goal from the server; this is its refetch once mounted.
      goalFetchStartMs: goal?.startTime ?? NaN,
      goalFetchMs: goal ? goal.responseEnd - goal.startTime : NaN,
      goalBytes: goal?.encodedBodySize ?? NaN,
      layoutMs: layout?.duration ?? NaN,
    };
  }, goalId);
  if (profile) writeFileSync(profile, JSON.stringify((await cdp.send("Profiler.stop")).profile));
  await page.waitForSelector('[data-testid="live-status"][data-connected="true"]');
  await sleep(500);
  const dom = await page.evaluate(() => ({
    renderedNodes: document.querySelectorAll('[data-testid="task-node"]').length,
    renderedEdges: document.querySelectorAll(".react-flow__edge").length,
    domElements: document.getElementsByTagName("*").length,
  }));
  await cdp.send("HeapProfiler.collectGarbage");
  const metrics = (await cdp.send("Performance.getMetrics")).metrics;
  const heapUsedMb = (metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? NaN) / 1048576;
  return { ...timings, ...dom, heapUsedMb };
}

const round = (n: number) => Math.round(n * 10) / 10;
const summary = (xs: number[]) => ({ p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), max: round(Math.max(...xs)) });

async function main() {
  const env = { HEARTBEAT_TIMEOUT_S: "600", RETRY_BASE_MS: "0", RETRY_MAX_MS: "0" };
  await withServerAndBrowser({ databasePrefix: "sy_bench_ui", port: PORT, env }, async ({ server, browser }) => {
    const base = server.url;
    const tasks = plan(TASKS);
    const inView = firstLayerInView(tasks);
    const probeKeys = inView.slice(0, PROBES);
    if (probeKeys.length < PROBES) throw new Error(`only ${probeKeys.length} first-layer tasks open in view`);
    for (const t of tasks)
      if (probeKeys.includes(t.key)) Object.assign(t, { required_skills: ["bench-probe"], max_attempts: 100 } satisfies Partial<PlanTask>);
    const created = await call<{ goal_id: string; subtasks: Array<{ uuid: string; key: string }> }>(`${base}/api/goals`, {
      goal: `bench: ${TASKS} tasks`,
      plan: { tasks },
    });
    const uuidOf = new Map(created.subtasks.map((s) => [s.key, s.uuid]));
    const [agent] = await registerAgents(base, 1, { prefix: "bench-agent", skills: ["bench"], capacity: 1000 });
    const [probeAgent] = await registerAgents(base, 1, { prefix: "bench-probe", skills: ["bench-probe"], capacity: PROBES });
    const { assignments } = await call<{ assignments: Array<{ subtask_uuid: string; attempt: number }> }>(
      `${base}/api/orchestration/assign`,
      { agent_id: agent!.agent_id, max: LAYER },
      agent!.token,
    );
    const probes = await call<{ assignments: Array<{ subtask_uuid: string }> }>(
      `${base}/api/orchestration/assign`,
      { agent_id: probeAgent!.agent_id, max: PROBES },
      probeAgent!.token,
    );
    if (probes.assignments.length !== PROBES) throw new Error("the probe agent did not get its tasks");
    // Keep the first layer's other tasks in view running (they stream), and a few more off screen; complete the rest.
    const inViewUuids = new Set(inView.map((k) => uuidOf.get(k)));
    const streamers = [
      ...assignments.filter((a) => inViewUuids.has(a.subtask_uuid)),
      ...assignments.filter((a) => !inViewUuids.has(a.subtask_uuid)),
    ].slice(0, STREAMERS);
    const keep = new Set(streamers.map((a) => a.subtask_uuid));
    const done = assignments.filter((a) => !keep.has(a.subtask_uuid));
    await call(
      `${base}/api/orchestration/complete-batch`,
      { completions: done.map((a) => ({ subtask_uuid: a.subtask_uuid, attempt: a.attempt, result: "ok" })) },
      agent!.token,
    );
    const probeTasks = probeKeys.map((key) => ({ key, uuid: uuidOf.get(key)! }));
    const streamerKey = new Map(created.subtasks.map((s) => [s.uuid, s.key]));
    const url = `${base}/goals/${created.goal_id}`;

    const runs: Array<Awaited<ReturnType<typeof measureOpen>> & { panelMs: number; reports: number }> = [];
    const quiet: EventTiming[] = [];
    const busy: EventTiming[] = [];
    for (let r = 0; r < RUNS; r++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      // tsx names functions with a helper (`__name`) the page does not have.
      await context.addInitScript({ content: `var __name = (f) => f; (${instrumentPage.toString()})();` });
      const page = await context.newPage();
      page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
      const cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
      if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
      const opened = await measureOpen(
        page,
        cdp,
        url,
        created.goal_id,
        PROFILE_DIR && path.join(PROFILE_DIR, `goal-page-open-${r}.cpuprofile`),
      );
      for (const { key } of probeTasks)
        if ((await page.locator(`[data-testid="task-node"][data-key="${key}"]`).count()) !== 1)
          throw new Error(`probe ${key} is not on screen: the page's layout differs from this bench's`);
      if (r === 0) await page.screenshot({ path: "e2e/artifacts/goal-1000-tasks.png" });

      // Quiet: only the graph, nothing streaming.
      if (PROFILE_DIR) await cdp.send("Profiler.enable").then(() => cdp.send("Profiler.start"));
      quiet.push(...(await timeEvents(page, base, probeAgent!, probeTasks, EVENTS_PER_PHASE)));
      if (PROFILE_DIR) {
        const { profile } = await cdp.send("Profiler.stop");
        writeFileSync(path.join(PROFILE_DIR, `goal-page-quiet-${r}.cpuprofile`), JSON.stringify(profile));
      }

      // Busy: graph and timeline side by side, a streaming task's panel open, 15 tasks streaming.
      const clickStarted = Date.now();
      const streamerInView = streamers.find((s) => inViewUuids.has(s.subtask_uuid)) ?? streamers[0]!;
      await page.locator(`[data-testid="task-node"][data-key="${streamerKey.get(streamerInView.subtask_uuid)}"]`).click();
      await page.getByTestId("live-output").waitFor();
      const panelMs = Date.now() - clickStarted;
      await page.getByRole("button", { name: "Both", exact: true }).click();
      await page.getByTestId("timeline").waitFor();
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const streaming = streamOutput(
        base,
        agent!,
        streamers.map((s) => ({ uuid: s.subtask_uuid, attempt: s.attempt })),
        stopped,
      );
      await page.getByTestId("live-output").getByText("lorem ipsum").first().waitFor();
      busy.push(...(await timeEvents(page, base, probeAgent!, probeTasks, EVENTS_PER_PHASE)));
      stop();
      const reports = await streaming;
      runs.push({ ...opened, panelMs, reports });
      await context.close();
    }

    const figure = (xs: number[]) => round(percentile(xs, 50));
    const median = Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, figure(runs.map((r) => r[k as keyof (typeof runs)[number]]))]));
    const events = (timings: EventTiming[]) => ({
      samples: timings.length,
      redrawMs: summary(timings.map((t) => t.redrawMs)),
      domMs: summary(timings.map((t) => t.domMs)),
      pushMs: summary(timings.map((t) => t.pushMs)),
      totalMs: summary(timings.map((t) => t.totalMs)),
    });
    const result = {
      tasks: TASKS,
      edges: tasks.reduce((n, t) => n + t.depends_on.length, 0),
      runs: RUNS,
      open: median,
      quietEvents: events(quiet),
      streamingEvents: events(busy),
      all: runs,
    };
    console.log(JSON.stringify(result, null, 2));
    const p95 = (xs: EventTiming[]) =>
      percentile(
        xs.map((t) => t.redrawMs),
        95,
      );
    const met = (ok: boolean) => (ok ? "met" : "NOT met");
    console.log(
      `first node painted: median ${median.firstNodePaintMs} ms (target < 1000 ms: ${met(median.firstNodePaintMs! < 1000)})\n` +
        `event → node redrawn: p50 ${result.quietEvents.redrawMs.p50} ms, p95 ${result.quietEvents.redrawMs.p95} ms quiet; ` +
        `p50 ${result.streamingEvents.redrawMs.p50} ms, p95 ${result.streamingEvents.redrawMs.p95} ms while ${STREAMERS} tasks stream ` +
        `(target < 100 ms: ${met(p95(quiet) < 100 && p95(busy) < 100)})`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
