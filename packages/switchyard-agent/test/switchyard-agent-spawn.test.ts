// The worker's spawn: a command adds tasks to its goal by writing a plan to the file named
// in SWITCHYARD_SPAWN_FILE. Real `switchyard-agent` processes against a real server process
// (production build in NEXT_DIST_DIR) and PostgreSQL: a planning agent decomposes a goal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SwitchyardClient } from "switchyard-client";
import { parseSpawnFile } from "../src/worker";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";
import { workerArgs, workerPool } from "@/lib/testing/worker-process";

let server: RunningServer;
let client: SwitchyardClient;
const workers = workerPool();

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next", SWITCHYARD_DISABLE_WEBHOOKS: "1" } });
  client = new SwitchyardClient({ baseUrl: server.url });
});

afterAll(async () => {
  await workers.killAll();
  await server?.stop();
});

function worker(name: string, skill: string, exec: string) {
  return workers.start(workerArgs(server.url, { name, skills: skill, exec, heartbeatMs: 300 }));
}

describe("parseSpawnFile", () => {
  it("reads a plan, a bare task array, nothing, or names what is wrong", () => {
    expect(parseSpawnFile(null)).toEqual({});
    expect(parseSpawnFile("  \n")).toEqual({});
    expect(parseSpawnFile('{"tasks":[{"key":"a","name":"A"}]}')).toEqual({ spawn: { tasks: [{ key: "a", name: "A" }] } });
    expect(parseSpawnFile('[{"key":"a","name":"A"}]')).toEqual({ spawn: { tasks: [{ key: "a", name: "A" }] } });
    expect(parseSpawnFile("{oops").error).toContain("not JSON");
    expect(parseSpawnFile('{"steps":[]}').error).toContain('{"tasks": [...]}');
  });
});

describe("switchyard-agent spawns through SWITCHYARD_SPAWN_FILE", () => {
  it("a planning agent's plan becomes the goal's DAG, and its tasks run on other agents", async () => {
    const plan = JSON.stringify({
      tasks: [
        { key: "scan", name: "Scan", required_skills: ["review"] },
        { key: "r1", name: "Review one", required_skills: ["review"], depends_on: ["scan"] },
        { key: "r2", name: "Review two", required_skills: ["review"], depends_on: ["scan"] },
      ],
    });
    worker("planner", "planning", `printf '%s' '${plan}' > "$SWITCHYARD_SPAWN_FILE"; echo "planned 3 tasks"`);
    worker("reviewer", "review", 'echo "reviewed $SWITCHYARD_TASK_KEY"');
    const created = await client.decompose({ goal: "review the repository", planner: "agent" });
    const result = await waitFor(
      async () => {
        const r = await client.result(created.goal_id!);
        return r.status === "complete" ? r : undefined;
      },
      { timeoutMs: 40_000, what: "the planned goal to complete" },
    );
    expect(result.result!.outputs.map((o) => o.key)).toEqual(["plan", "scan", "r1", "r2"]);
    expect(result.result!.outputs[0]!.result).toBe("planned 3 tasks\n");
    expect(result.result!.final_output).toContain("reviewed r1");
    expect(result.result!.final_output).toContain("reviewed r2");
    const goal = await client.goal(created.goal_id!);
    const byKey = new Map(goal.subtasks.map((s) => [s.key, s]));
    expect(byKey.get("r1")!.dependencies).toEqual([byKey.get("scan")!.uuid]);
    expect(byKey.get("scan")!.spawned_by).toBe(byKey.get("plan")!.uuid);
  });

  it("a spawn file that is not a plan fails the attempt with a message saying why", async () => {
    worker("broken-planner", "broken-planning", `echo 'not json' > "$SWITCHYARD_SPAWN_FILE"; echo ok`);
    const created = await client.decompose({
      goal: "bad plan",
      plan: { tasks: [{ key: "p", name: "p", required_skills: ["broken-planning"], max_attempts: 1 }] },
    });
    const result = await waitFor(
      async () => {
        const r = await client.result(created.goal_id!);
        return r.status === "failed" ? r : undefined;
      },
      { timeoutMs: 30_000, what: "the goal to fail" },
    );
    expect(result.failures[0]!.error).toContain("SWITCHYARD_SPAWN_FILE is not JSON");
  });
});
