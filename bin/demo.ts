// npm run demo: Switchyard on the embedded database, four local worker agents with
// different skills running small real shell commands (bin/demo-task.sh), and the seeds'
// example goals submitted, so the DAGs can be watched progressing in the browser.
// Ctrl-C stops everything. Options: --port N (default 3000), --data-dir DIR
// (default .data/demo), --fresh (start from an empty database), --exit-when-done.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { SwitchyardClient, type GoalStatus } from "switchyard-client";

const root = path.resolve(import.meta.dirname, "..");

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "data-dir": { type: "string" },
    fresh: { type: "boolean" },
    "exit-when-done": { type: "boolean" },
  },
});
const options = z
  .object({
    port: z.coerce.number().int().min(1).max(65535).default(3000),
    "data-dir": z.string().default(".data/demo"),
    fresh: z.boolean().default(false),
    "exit-when-done": z.boolean().default(false),
  })
  .parse({ ...values, port: values.port ?? process.env.PORT });

const WORKERS = [
  { name: "collector", skills: ["data_collection", "requirements", "translation", "vision"], capacity: 2 },
  { name: "analyst", skills: ["data_analysis", "reporting", "summarization", "vision"], capacity: 2 },
  { name: "builder", skills: ["design", "coding", "testing", "requirements"], capacity: 1 },
  { name: "translator", skills: ["translation", "writing", "summarization", "vision"], capacity: 3 },
];

const GOALS = [
  {
    goal: "Analyze customer satisfaction trends and create actionable insights",
    context: "Using Q4 2024 survey data from 10,000 customers",
  },
  { goal: "Develop a user authentication system with JWT" },
  { goal: "Translate these 5 documents to Chinese: intro.md, getting-started.md, api-reference.md, tutorials.md, faq.md" },
  { goal: "Analyze all cameras (camera_1, camera_2, camera_3) and summarize" },
];

const children: ChildProcess[] = [];
const say = (line: string) => console.log(`[demo] ${line}`);

function prefixOutput(child: ChildProcess, prefix: string) {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) console.log(`${prefix}${line}`);
    });
  }
}

function startServer(url: string): ChildProcess {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const production = existsSync(path.join(root, distDir, "BUILD_ID"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: production ? "production" : "development",
    PORT: String(options.port),
    HOST: "127.0.0.1",
    SWITCHYARD_DATA_DIR: options["data-dir"],
    RETRY_BASE_MS: "1500",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.DATABASE_URL; // the embedded database
  say(
    `starting Switchyard (${production ? `production build in ${distDir}` : "development mode: no build found, pages compile on first visit"}) on ${url}, data in ${options["data-dir"]}`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server.ts")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  prefixOutput(child, "  server │ ");
  children.push(child);
  return child;
}

function startWorker(url: string, worker: (typeof WORKERS)[number]): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(root, "packages/switchyard-agent/src/cli.ts"),
      "--server",
      url,
      "--name",
      worker.name,
      "--skills",
      worker.skills.join(","),
      "--capacity",
      String(worker.capacity),
      "--exec",
      `sh ${JSON.stringify(path.join(root, "bin/demo-task.sh"))}`,
      "--poll-ms",
      "500",
      "--heartbeat-ms",
      "5000",
      "--grace-ms",
      "3000",
    ],
    { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] },
  );
  prefixOutput(child, `  ${worker.name.padEnd(10)} │ `);
  children.push(child);
  return child;
}

async function waitForHealth(client: SwitchyardClient, server: ChildProcess) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
    try {
      await client.health();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error("the server did not start within 3 minutes");
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping workers and server…");
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once("exit", () => r()));
  const workers = children.slice(1);
  for (const w of workers) w.kill("SIGTERM");
  await Promise.race([Promise.all(workers.map(exited)), new Promise((r) => setTimeout(r, 5000))]);
  const server = children[0];
  if (server) {
    server.kill("SIGTERM");
    await Promise.race([exited(server), new Promise((r) => setTimeout(r, 5000))]);
  }
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  process.exit(code);
}

async function main() {
  if (options.fresh) rmSync(path.resolve(root, options["data-dir"]), { recursive: true, force: true });
  const url = `http://127.0.0.1:${options.port}`;
  const client = new SwitchyardClient({ baseUrl: url });
  const server = startServer(url);
  server.once("exit", (code) => {
    if (!stopping) {
      say(`the server exited (${code}); stopping`);
      void stopAll(1);
    }
  });
  await waitForHealth(client, server);
  for (const w of WORKERS) startWorker(url, w);

  const submitted: Array<{ id: string; goal: string }> = [];
  for (const g of GOALS) {
    const created = await client.createGoal(g);
    submitted.push({ id: created.goal_id!, goal: g.goal });
    say(`submitted "${g.goal}" → ${created.template}, ${created.subtasks.length} tasks`);
  }
  console.log("");
  say(`open ${url}/ in your browser to watch the goals run (Ctrl-C stops everything)`);
  for (const s of submitted)
    say(`  ${url}/goals/${s.id}   (result: ${url}/api/goals/${s.id}/result, plan: ${url}/api/goals/${s.id}/plan.md)`);
  console.log("");

  const finished = new Map<string, GoalStatus>();
  while (finished.size < submitted.length) {
    await new Promise((r) => setTimeout(r, 1000));
    for (const s of submitted) {
      if (finished.has(s.id)) continue;
      const result = await client.result(s.id).catch(() => undefined);
      if (!result || ["pending", "running"].includes(result.status)) continue;
      finished.set(s.id, result.status);
      say(
        `goal finished: "${s.goal}" → ${result.status}: ${result.steps_completed}/${result.steps_total} steps completed, ${result.steps_failed} failed, ${(result.total_time_ms / 1000).toFixed(1)} s, agents ${result.agents_used.join(", ")}`,
      );
    }
  }
  say(
    `all ${submitted.length} goals finished. ${options["exit-when-done"] ? "Exiting." : `The dashboard stays up at ${url}/ — Ctrl-C to stop.`}`,
  );
  if (options["exit-when-done"]) await stopAll([...finished.values()].every((s) => s === "complete") ? 0 : 1);
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
main().catch((error) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  void stopAll(1);
});
