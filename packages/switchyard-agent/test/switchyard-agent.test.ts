// The worker command end to end: real `switchyard-agent` processes against a real
// server process (production build in NEXT_DIST_DIR) and PostgreSQL.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SwitchyardClient, type ApiEvent } from "switchyard-client";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { waitFor } from "@/lib/testing/wait";
import { workerArgs, workerPool } from "@/lib/testing/worker-process";

let server: RunningServer;
let client: SwitchyardClient;
const workers = workerPool();
const scratch = mkdtempSync(path.join(tmpdir(), "sy-agent-test-"));

beforeAll(async () => {
  server = await startServer({
    env: {
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next",
      HEARTBEAT_TIMEOUT_S: "2",
      SWEEP_INTERVAL_MS: "200",
      RETRY_BASE_MS: "500",
      RETRY_MAX_MS: "10000",
    },
  });
  client = new SwitchyardClient({ baseUrl: server.url });
});

afterEach(workers.killAll);

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function worker(name: string, skill: string, exec: string, extra: string[] = [], env: Record<string, string> = {}) {
  return workers.start(workerArgs(server.url, { name, skills: skill, exec, heartbeatMs: 300 }, extra), env);
}

async function goalFinished(goalId: string) {
  return waitFor(
    async () => {
      const r = await client.result(goalId);
      return ["complete", "partial", "failed", "cancelled"].includes(r.status) ? r : undefined;
    },
    { timeoutMs: 30_000, what: `goal ${goalId} to finish` },
  );
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe("switchyard-agent", () => {
  it("completes tasks through --exec: the task on stdin and in env, stdout as the result, inputs from dependencies", async () => {
    const created = await client.decompose({
      goal: "count words",
      plan: {
        tasks: [
          { key: "T-01", name: "Echo", description: "say hello", required_skills: ["e2e_exec"] },
          { key: "T-02", name: "Use input", description: "read T-01", required_skills: ["e2e_exec"], depends_on: ["T-01"] },
        ],
      },
    });
    const exec = `if [ "$SWITCHYARD_TASK_KEY" = T-01 ]; then printf '%s|%s|%s|' "$SWITCHYARD_TASK_NAME" "$SWITCHYARD_ATTEMPT" "$SWITCHYARD_GOAL"; grep -o '"key":"T-01"' | head -n1; else echo "$SWITCHYARD_INPUTS" | grep -o 'Echo|1|count words|'; fi`;
    const w = worker("exec-bot", "e2e_exec", exec);
    const result = await goalFinished(created.goal_id!);
    expect(result.status).toBe("complete");
    expect(result.result!.outputs.map((o) => o.result)).toEqual(['Echo|1|count words|"key":"T-01"\n', "Echo|1|count words|\n"]);
    expect(result.steps_completed).toBe(2);
    expect(result.agents_used).toEqual(["exec-bot"]);
    await waitFor(() => /✔ T-02 "Use input" .* completed in/.test(w.output()), { what: "a progress line" });
    expect(w.output()).toMatch(/registered as agent [0-9a-f-]{36} with skills \[e2e_exec\]/);
  });

  it("--stdin markdown hands the command seed 003's task assignment, e.g. as a prompt for an LLM CLI", async () => {
    const created = await client.decompose({
      goal: "prompted",
      plan: { tasks: [{ key: "T-01", name: "Prompt me", description: "Say hi", required_skills: ["e2e_md"] }] },
    });
    worker("md-bot", "e2e_md", "grep -E '^# |^Say hi$'", ["--stdin", "markdown"]);
    const result = await goalFinished(created.goal_id!);
    expect(result.result!.final_output).toBe("# 🤖 T-01 Task Assignment\nSay hi\n");
  });

  it("re-routes the task of an agent killed with SIGKILL mid-task to another agent, which finishes it", async () => {
    const pidFile = path.join(scratch, "killed.pid");
    const created = await client.decompose({
      goal: "survive a crash",
      plan: { tasks: [{ key: "T-01", name: "Long job", required_skills: ["e2e_kill"], timeout_s: 120 }] },
    });
    const taskId = (await client.goal(created.goal_id!)).subtasks[0]!.uuid;
    const exec = `if [ "$WHO" = A ]; then echo $$ > ${pidFile}; sleep 60; fi; echo "finished by $WHO"`;
    const a = worker("crashy-A", "e2e_kill", exec, [], { WHO: "A" });
    await waitFor(async () => (await client.task(taskId)).status === "running" && existsSync(pidFile), { what: "A to start the task" });
    const b = worker("steady-B", "e2e_kill", exec, [], { WHO: "B" });
    await waitFor(() => b.output().includes("registered as agent"), { what: "B to register" });
    await a.signal("SIGKILL");
    // The orphaned shell of A's task is not ours to keep around.
    const orphan = Number(readFileSync(pidFile, "utf8"));
    try {
      process.kill(-orphan, "SIGKILL");
    } catch {
      // gone
    }

    const result = await goalFinished(created.goal_id!);
    expect(result.status).toBe("complete");
    expect(result.result!.final_output.trim()).toBe("finished by B");
    const task = await client.task(taskId);
    expect(task.attempts.map((t) => [t.number, t.agent_name, t.outcome])).toEqual([
      [1, "crashy-A", "lost"],
      [2, "steady-B", "completed"],
    ]);
    expect(task.failures).toBe(0); // a lost agent is not the task's fault
    const agents = await client.agents();
    expect(agents.find((x) => x.name === "crashy-A")?.status).toBe("offline");
  });

  it("refuses the late result of an agent that froze past its heartbeat window (409), keeping the newer agent's result", async () => {
    const created = await client.decompose({
      goal: "fenced",
      plan: { tasks: [{ key: "T-01", name: "Race", required_skills: ["e2e_fence"], timeout_s: 120 }] },
    });
    const taskId = (await client.goal(created.goal_id!)).subtasks[0]!.uuid;
    const exec = `if [ "$WHO" = A ]; then sleep 1; fi; echo "result of $WHO"`;
    const a = worker("frozen-A", "e2e_fence", exec, [], { WHO: "A" });
    await waitFor(async () => (await client.task(taskId)).status === "running", { what: "A to take the task" });
    a.process.kill("SIGSTOP"); // frozen: no heartbeats, no report
    worker("awake-B", "e2e_fence", exec, [], { WHO: "B" });
    const result = await goalFinished(created.goal_id!);
    expect(result.result!.final_output.trim()).toBe("result of B");
    a.process.kill("SIGCONT"); // A wakes up and reports its (now stale) attempt 1
    await waitFor(() => /T-01 attempt 1: report superseded by the server \(attempt 1 of subtask T-01 is lost/.test(a.output()), {
      what: "A's refused report",
    });
    const task = await client.task(taskId);
    expect(task.result!.trim()).toBe("result of B");
    expect(task.attempts.map((t) => [t.agent_name, t.outcome])).toEqual([
      ["frozen-A", "lost"],
      ["awake-B", "completed"],
    ]);
  });

  it("retries a command that fails twice, with growing backoff, and completes it on the third attempt", async () => {
    const created = await client.decompose({
      goal: "flaky",
      plan: { tasks: [{ key: "T-01", name: "Flaky", required_skills: ["e2e_flaky"], max_attempts: 3 }] },
    });
    const taskId = (await client.goal(created.goal_id!)).subtasks[0]!.uuid;
    const w = worker(
      "flaky-bot",
      "e2e_flaky",
      `if [ "$SWITCHYARD_ATTEMPT" -lt 3 ]; then echo "boom on attempt $SWITCHYARD_ATTEMPT" >&2; exit 1; fi; echo "ok on attempt $SWITCHYARD_ATTEMPT"`,
    );
    const result = await goalFinished(created.goal_id!);
    expect(result.status).toBe("complete");
    expect(result.result!.final_output.trim()).toBe("ok on attempt 3");

    const task = await client.task(taskId);
    expect(task.attempts.map((t) => t.outcome)).toEqual(["failed", "failed", "completed"]);
    expect(task.attempts[0]!.error).toBe("exit code 1\nboom on attempt 1");
    // The server scheduled each retry (task.failed events) with a longer delay than the last,
    // and no attempt started before its scheduled time.
    const { events } = await client.events({ goal_id: created.goal_id!, after: 0 });
    const failures = events.filter((e: ApiEvent) => e.type === "task.failed" && e.subtask_id === taskId);
    expect(failures).toHaveLength(2);
    const scheduled = failures.map((e) => Date.parse((e.data as { next_attempt_at: string }).next_attempt_at));
    const ended = task.attempts.slice(0, 2).map((t) => Date.parse(t.ended_at!));
    const delays = scheduled.map((s, i) => s - ended[i]!);
    expect(delays[0]).toBeGreaterThanOrEqual(250); // base 500 ms, jittered into [½, 1]
    expect(delays[1]).toBeGreaterThanOrEqual(500); // 1000 ms, jittered
    expect(delays[1]).toBeGreaterThanOrEqual(delays[0]!);
    for (let i = 0; i < 2; i++) expect(Date.parse(task.attempts[i + 1]!.started_at)).toBeGreaterThanOrEqual(scheduled[i]!);
    const gaps = [1, 2].map((i) => Date.parse(task.attempts[i]!.started_at) - ended[i - 1]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(delays[0]!);
    expect(gaps[1]).toBeGreaterThanOrEqual(delays[1]!);
    expect(w.output()).toMatch(/✘ T-01 "Flaky" .*attempt 1\) failed in .*exit code 1 \| boom on attempt 1/);
  });

  it("fails a task for good after its attempts, skips its dependents and ends the goal partial with seed 002's summary", async () => {
    const created = await client.decompose({
      goal: "partly doomed",
      plan: {
        tasks: [
          { key: "T-01", name: "Fine", required_skills: ["e2e_doom"] },
          { key: "T-02", name: "Doomed", required_skills: ["e2e_doom"], depends_on: ["T-01"], max_attempts: 2 },
          { key: "T-03", name: "After doomed", required_skills: ["e2e_doom"], depends_on: ["T-02"] },
          { key: "T-04", name: "Independent", required_skills: ["e2e_doom"] },
        ],
      },
    });
    worker(
      "doom-bot",
      "e2e_doom",
      `if [ "$SWITCHYARD_TASK_KEY" = T-02 ]; then echo "disk full while doing $SWITCHYARD_TASK_NAME" >&2; exit 3; fi; echo "ok $SWITCHYARD_TASK_KEY"`,
      ["--capacity", "2"],
    );
    const result = await goalFinished(created.goal_id!);
    expect(result).toMatchObject({
      workflow_id: created.goal_id,
      status: "partial",
      steps_completed: 2,
      steps_failed: 1,
      steps_skipped: 1,
      steps_total: 4,
      agents_used: ["doom-bot"],
      nodes_used: ["doom-bot"],
      failures: [{ key: "T-02", name: "Doomed", attempts: 2, error: "exit code 3\ndisk full while doing Doomed" }],
    });
    expect(result.total_time_ms).toBeGreaterThan(0);
    expect(result.result!.outputs.map((o) => [o.key, o.status, o.agent])).toEqual([
      ["T-01", "completed", "doom-bot"],
      ["T-04", "completed", "doom-bot"],
      ["T-02", "failed", "doom-bot"], // who failed it, though the task no longer holds an agent
      ["T-03", "skipped", null],
    ]); // dependency (topological) order
    const plan = await client.planMarkdown(created.goal_id!);
    expect(plan).toMatch(/\| T-02 \| doom-bot \| ❌ Failed \| 2\/2 \|/);
    expect(plan).toMatch(/\| T-03 \| - \| ⏭️ Skipped \|/);
    expect(plan).toMatch(/\| T-04 \| doom-bot \| ✅ Completed \| 1\/3 \|/);
  });

  it("kills the process group of a task past its timeout and reports the attempt failed", async () => {
    const pidFile = path.join(scratch, "slow.pid");
    const created = await client.decompose({
      goal: "too slow",
      plan: { tasks: [{ key: "T-01", name: "Slow", required_skills: ["e2e_slow"], timeout_s: 1, max_attempts: 1 }] },
    });
    const taskId = (await client.goal(created.goal_id!)).subtasks[0]!.uuid;
    worker("slow-bot", "e2e_slow", `sleep 30 & echo $! > ${pidFile}; wait`);
    const result = await goalFinished(created.goal_id!);
    expect(result.status).toBe("failed");
    const task = await client.task(taskId);
    expect(task.status).toBe("failed");
    expect(task.error).toMatch(/^timed out after 1s/);
    expect(["failed", "timed_out"]).toContain(task.attempts[0]!.outcome);
    // The command's own child (the sleep) went with the group.
    const sleeper = Number(readFileSync(pidFile, "utf8"));
    await waitFor(() => processGone(sleeper), { timeoutMs: 5000, what: `process ${sleeper} to be killed` });
  });

  it("keeps its identity in --token-file across restarts, and registers again when the server forgets it", async () => {
    const tokenFile = path.join(scratch, "agent.token");
    const first = worker("keeper", "e2e_token", "echo kept", ["--token-file", tokenFile]);
    await waitFor(() => existsSync(tokenFile) && first.output().includes("registered as agent"), { what: "the token file" });
    const token = readFileSync(tokenFile, "utf8").trim();
    const agentId = token.split(".")[0]!;
    expect(await first.signal("SIGKILL")).toBeNull();

    const second = worker("keeper", "e2e_token", "echo kept", ["--token-file", tokenFile]);
    await waitFor(() => second.output().includes(`acting as agent ${agentId}`), { what: "the restart to reuse the token" });
    // Someone unregisters the agent behind its back: the worker notices and registers anew.
    await new SwitchyardClient({ baseUrl: server.url, agentToken: token }).unregister();
    await waitFor(() => second.output().includes("registering again"), { what: "re-registration" });
    await waitFor(() => readFileSync(tokenFile, "utf8").trim() !== token, { what: "the new token to be saved" });
    const created = await client.decompose({
      goal: "still served",
      plan: { tasks: [{ key: "T-01", name: "One", required_skills: ["e2e_token"] }] },
    });
    expect((await goalFinished(created.goal_id!)).status).toBe("complete");
  });

  it("strips NUL bytes from a result, and fails the attempt when the server refuses the result instead of leaving it running", async () => {
    const created = await client.decompose({
      goal: "odd output",
      plan: {
        tasks: [
          { key: "T-01", name: "Binary", required_skills: ["e2e_odd"] },
          { key: "T-02", name: "Huge", required_skills: ["e2e_odd"], max_attempts: 1 },
        ],
      },
    });
    // T-02 prints 1 MB of \x01: 6 MB as JSON, over the server's body limit (413).
    worker(
      "odd-bot",
      "e2e_odd",
      `if [ "$SWITCHYARD_TASK_KEY" = T-01 ]; then printf 'a\\000b'; else head -c 1000000 /dev/zero | tr '\\000' '\\001'; fi`,
      ["--capacity", "2"],
    );
    const result = await goalFinished(created.goal_id!);
    expect(result.status).toBe("partial");
    expect(result.result!.outputs.find((o) => o.key === "T-01")!.result).toBe("ab");
    expect(result.failures).toEqual([
      { key: "T-02", name: "Huge", attempts: 1, error: expect.stringMatching(/^the server refused the result: request body is over/) },
    ]);
  });

  it("on SIGTERM stops pulling, releases what it cannot finish within the grace period, unregisters and exits 0", async () => {
    const created = await client.decompose({
      goal: "interrupted",
      plan: { tasks: [{ key: "T-01", name: "Long", required_skills: ["e2e_term"], timeout_s: 120 }] },
    });
    const taskId = (await client.goal(created.goal_id!)).subtasks[0]!.uuid;
    const w = worker("term-bot", "e2e_term", "sleep 60", ["--grace-ms", "300"]);
    await waitFor(async () => (await client.task(taskId)).status === "running", { what: "the task to run" });
    expect(await w.signal("SIGTERM")).toBe(0);
    const task = await client.task(taskId);
    expect(task.status).toBe("pending");
    expect(task.attempts[0]!.outcome).toBe("lost");
    expect((await client.agents()).some((a) => a.name === "term-bot")).toBe(false);
    expect(w.output()).toMatch(/unregistered; 1 task\(s\) released to the pool/);
  });
});
