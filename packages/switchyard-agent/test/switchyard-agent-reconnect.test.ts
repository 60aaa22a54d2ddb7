// The worker outlives its server: it backs off while the server is away and carries on
// (same agent, same token) when it is back.
import { afterAll, describe, expect, it } from "vitest";
import { SwitchyardClient } from "switchyard-client";
import { freePort, startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";
import { startWorker, type WorkerProcess } from "@/lib/testing/worker-process";

// The server comes back on the port it left, so the worker finds it again.
const PORT = await freePort();
const serverEnv = { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next", SWEEP_INTERVAL_MS: "200" };
let server: RunningServer | undefined;
let worker: WorkerProcess | undefined;

afterAll(async () => {
  await worker?.signal("SIGKILL");
  await server?.stop();
});

describe("switchyard-agent when the server goes away", () => {
  it("backs off, reconnects and runs the next task as the same agent", async () => {
    server = await startServer({ port: PORT, env: serverEnv });
    const client = new SwitchyardClient({ baseUrl: server.url });
    worker = startWorker([
      "--server",
      server.url,
      "--name",
      "patient",
      "--skills",
      "reconnect",
      "--exec",
      "echo still here",
      "--poll-ms",
      "100",
      "--heartbeat-ms",
      "300",
    ]);
    await waitFor(() => worker!.output().includes("registered as agent"), { what: "registration" });
    const agentId = /registered as agent ([0-9a-f-]{36})/.exec(worker.output())![1];

    // The server shuts down promptly although the worker keeps its keep-alive connection busy.
    // (It used to wait for those connections to go idle: forever, while agents poll.)
    const exited = await Promise.race([
      server.stop().then(() => "exited"),
      new Promise((r) => setTimeout(() => r("still running after 30 s"), 30_000)),
    ]);
    expect(exited).toBe("exited");
    await waitFor(() => worker!.output().includes("server unavailable"), { what: "the worker to notice" });
    expect(worker.process.exitCode).toBeNull();

    server = await startServer({ port: PORT, env: serverEnv });
    const created = await client.decompose({
      goal: "after the outage",
      plan: { tasks: [{ key: "T-01", name: "Ping", required_skills: ["reconnect"] }] },
    });
    const result = await waitFor(
      async () => {
        const r = await client.result(created.goal_id!);
        return r.status === "complete" ? r : undefined;
      },
      { timeoutMs: 60_000, what: "the goal to complete" },
    ).catch((error) => {
      throw new Error(`${error.message}\nworker output:\n${worker!.output()}`);
    });
    expect(result.result!.final_output).toBe("still here\n");
    expect(worker.output()).toContain("server is back");
    const task = await client.task((await client.goal(created.goal_id!)).subtasks[0]!.uuid);
    expect(task.attempts[0]!.agent_id).toBe(agentId);
    expect(worker.output().match(/registered as agent/g)).toHaveLength(1);
  }, 120_000);
});
