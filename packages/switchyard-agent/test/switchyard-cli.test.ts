// The `switchyard` command end to end: a markdown plan submitted with --wait against a real
// server with real `switchyard-agent` workers, then seed 003's files exported and read back.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SwitchyardClient } from "switchyard-client";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { startProcess, workerArgs, workerPool } from "@/lib/testing/worker-process";
import { markdownGoal, progressLine, submitRequest } from "../src/switchyard";

const root = path.resolve(import.meta.dirname, "../../..");
const scratch = mkdtempSync(path.join(tmpdir(), "sy-cli-"));
let server: RunningServer;
const workers = workerPool();

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next" } });
});

afterEach(workers.killAll);

afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts `switchyard …` (from source) against the test server. */
function startSwitchyard(args: string[], env: Record<string, string> = {}) {
  return startProcess(process.execPath, ["--import", "tsx", path.join(root, "packages/switchyard-agent/src/switchyard-main.ts"), ...args], {
    env: { SWITCHYARD_URL: server.url, ...env },
  });
}

/** Runs `switchyard …` to its exit. */
async function switchyard(args: string[], env: Record<string, string> = {}) {
  const p = startSwitchyard(args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}

const PLAN = `# Code review of a TypeScript project

## Original Request
> Analyze my TypeScript project for code quality and security

## Task Decomposition
| Task ID | Task Name | Description | Dependencies | Priority | Skills |
|---------|-----------|-------------|--------------|----------|--------|
| T-01 | Scan source files | List the files | None | P0 | cli-scan |
| T-02 | Check code quality | Lint everything | T-01 | P1 | cli-review |
| T-03 | Security scan | Look for secrets | T-01 | P1 | cli-review |
| T-04 | Generate report | Merge the findings | T-02,T-03 | P2 | cli-scan |
`;

describe("switchyard submit / export / status / goals", () => {
  it("submits a markdown plan with --wait, shows progress, exits 0, and exports seed 003's files", { timeout: 120_000 }, async () => {
    const planFile = path.join(scratch, "plan.md");
    writeFileSync(planFile, PLAN);
    const exec = `sleep 0.2; printf '%s done' "$SWITCHYARD_TASK_KEY"`;
    workers.start(workerArgs(server.url, { name: "scanner", skills: "cli-scan", exec }));
    workers.start(workerArgs(server.url, { name: "reviewer", skills: "cli-review", capacity: 2, exec }));

    const submitted = await switchyard(["submit", planFile, "--context", "repo at /src", "--wait", "--interval-ms", "100"]);
    expect(submitted.code, submitted.output).toBe(0);
    const goalId = /goal ([0-9a-f-]{36}) · 4 tasks \(explicit\)/.exec(submitted.output)?.[1];
    expect(goalId, submitted.output).toBeTruthy();
    // A progress bar with the counts by status, the latest events, and the final line.
    expect(submitted.output).toMatch(/\[█{24}\] 100% 4\/4 · complete · completed 4/);
    expect(submitted.output).toMatch(/\[[█░]{24}\] +\d+% [0-3]\/4 · running · /);
    expect(submitted.output).toMatch(/task\.completed T-02/);
    expect(submitted.output).toContain(`goal ${goalId} complete in`);
    expect(submitted.output).toContain("T-04 done");

    const client = new SwitchyardClient({ baseUrl: server.url });
    const goal = await client.goal(goalId!);
    expect(goal.goal).toBe("Analyze my TypeScript project for code quality and security");
    expect(goal.context).toBe("repo at /src");

    const dir = path.join(scratch, "project", ".orchestrator");
    const exported = await switchyard(["export", goalId!, "--dir", dir]);
    expect(exported.code, exported.output).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["agent_tasks", "final_output.md", "master_plan.md", "results"]);
    expect(readdirSync(path.join(dir, "agent_tasks")).sort()).toEqual(["agent-01.md", "agent-02.md", "agent-03.md", "agent-04.md"]);
    expect(readdirSync(path.join(dir, "results")).sort()).toEqual([
      "agent-01-result.md",
      "agent-02-result.md",
      "agent-03-result.md",
      "agent-04-result.md",
    ]);

    const master = readFileSync(path.join(dir, "master_plan.md"), "utf8");
    expect(master).toContain("## Original Request\n> Analyze my TypeScript project for code quality and security");
    expect(master).toMatch(/\| T-04 \| Generate report \| Merge the findings \| T-02,T-03 \|/);
    expect(master).toMatch(/## Agent Assignment[\s\S]*\| T-01 \| scanner \| ✅ Completed \|/);

    const task4 = readFileSync(path.join(dir, "agent_tasks/agent-04.md"), "utf8");
    expect(task4).toContain("# 🤖 Agent-04 Task Assignment");
    expect(task4).toContain("- **Task ID**: T-04");
    expect(task4).toContain("| Check code quality | result | T-02 | see below |");
    expect(task4).toContain("## Task Description\nMerge the findings");
    expect(task4).toContain("## Expected Output");
    expect(task4).toContain("## Constraints");

    const result2 = readFileSync(path.join(dir, "results/agent-02-result.md"), "utf8");
    expect(result2).toContain("# 📤 Agent-02 Execution Result");
    expect(result2).toContain("- **Status**: ✅ Success");
    expect(result2).toMatch(/- \*\*Duration\*\*: \d+\.\ds/);
    expect(result2).toContain("- **Agent**: reviewer");
    expect(result2).toContain("## Output\nT-02 done\n");

    const final = readFileSync(path.join(dir, "final_output.md"), "utf8");
    expect(final).toContain("**Status**: complete · 4/4 tasks completed");
    expect(final).toContain("T-04 done");

    const status = await switchyard(["status"]);
    expect(status.code).toBe(0);
    expect(status.output).toMatch(/^tasks +.*completed 4/m);
    const goals = await switchyard(["goals", "--json"]);
    expect(goals.code).toBe(0);
    expect((JSON.parse(goals.output) as Array<{ id: string }>).map((g) => g.id)).toContain(goalId);
  });

  it(
    "export --watch keeps the files current until the goal finishes; cancel and retry a task; failure exits non-zero",
    { timeout: 120_000 },
    async () => {
      const submitted = await switchyard(["submit", "Write the release notes", "--json"]);
      expect(submitted.code, submitted.output).toBe(0);
      const created = JSON.parse(submitted.output) as {
        goal_id: string;
        subtasks: Array<{ uuid: string; key: string; required_skills: string[] }>;
      };

      // No agent has the skills yet: cancel the first task (dependents skipped), then retry it.
      const first = created.subtasks[0]!;
      const cancelled = await switchyard(["cancel", first.uuid]);
      expect(cancelled.code, cancelled.output).toBe(0);
      expect(cancelled.output).toMatch(new RegExp(`task ${first.key} cancelled · \\d+ dependent\\(s\\) skipped`));
      const retried = await switchyard(["retry", first.uuid]);
      expect(retried.code, retried.output).toBe(0);
      expect(retried.output).toMatch(new RegExp(`task ${first.key} (pending|waiting) · \\d+ dependent\\(s\\) wait again`));
      const again = await switchyard(["retry", first.uuid]);
      expect(again.code).toBe(2);
      expect(again.output).toMatch(/409 /);

      const dir = path.join(scratch, "watched");
      const watcher = startSwitchyard(["export", created.goal_id, "--dir", dir, "--watch", "--interval-ms", "100"]);
      const skills = [...new Set(created.subtasks.flatMap((s) => s.required_skills))].join(",");
      workers.start(
        workerArgs(server.url, { name: "notes", skills, capacity: 4, exec: `sleep 0.3; printf 'notes for %s' "$SWITCHYARD_TASK_KEY"` }),
      );
      expect(await watcher.exited, watcher.output()).toBe(0);
      // It wrote more than once (the plan as tasks finished), and ended with the final output.
      expect(watcher.output().trim().split("\n").length).toBeGreaterThan(1);
      expect(existsSync(path.join(dir, "final_output.md"))).toBe(true);
      expect(readdirSync(path.join(dir, "results")).length).toBe(created.subtasks.length);

      // A goal that fails: --wait exits 1.
      const failing = {
        goal: "Always fails",
        plan: { tasks: [{ key: "X", name: "Broken", required_skills: ["cli-broken"], max_attempts: 1 }] },
      };
      const planFile = path.join(scratch, "failing.json");
      writeFileSync(planFile, JSON.stringify(failing));
      workers.start(workerArgs(server.url, { name: "broken", skills: "cli-broken", exec: "echo nope >&2; exit 3" }));
      const failed = await switchyard(["submit", planFile, "--wait", "--interval-ms", "100"]);
      expect(failed.code, failed.output).toBe(1);
      expect(failed.output).toMatch(/goal [0-9a-f-]{36} failed in/);
    },
  );

  it("reads its arguments and says what is wrong", async () => {
    expect(markdownGoal(PLAN)).toBe("Analyze my TypeScript project for code quality and security");
    expect(markdownGoal("# Just a title\n\ntext")).toBe("Just a title");
    expect(submitRequest("Plain goal text", "ctx")).toEqual({ goal: "Plain goal text", context: "ctx" });
    expect(() => submitRequest("missing.md", undefined, scratch)).toThrow("no such file: missing.md");
    expect(
      progressLine(
        {
          status: "running",
          tasks: {
            total: 4,
            completed: 1,
            failed: 0,
            skipped: 0,
            cancelled: 0,
            running: 2,
            pending: 1,
            waiting: 0,
            retrying: 0,
            awaiting_approval: 0,
          },
        },
        8,
      ),
    ).toBe("[██░░░░░░]  25% 1/4 · running · completed 1 · running 2 · pending 1");
    const usage = await switchyard(["frobnicate"]);
    expect(usage.code).toBe(2);
    expect(usage.output).toContain("unknown command: frobnicate");
    const bad = await switchyard(["submit", "   "]);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/400 validation_failed: .*\(field goal\)/);
  });
});
