import { describe, expect, it } from "vitest";
import { SwitchyardError } from "@/lib/errors";
import { escapeCell, parseMarkdownPlan, renderMasterPlan, splitRow } from "@/lib/orchestration/markdown-plan";

const SEED_QUICK_START = `# Task Plan

## Original Request
> Analyze my TypeScript project for code quality, security, and performance

## Task Decomposition
| Task ID | Description | Dependencies | Agent |
|---------|-------------|--------------|-------|
| T-01 | Scan source files | None | Agent-01 |
| T-02 | Check code quality | T-01 | Agent-02 |
| T-03 | Security scan | T-01 | Agent-03 |
| T-04 | Performance analysis | T-01 | Agent-04 |
| T-05 | Generate report | T-02,T-03,T-04 | Agent-05 |
`;

describe("parseMarkdownPlan", () => {
  it("reads seed 003's quick-start plan: request, keys, names from descriptions, dependencies", () => {
    const plan = parseMarkdownPlan(SEED_QUICK_START);
    expect(plan.request).toBe("Analyze my TypeScript project for code quality, security, and performance");
    expect(plan.tasks.map((t) => [t.key, t.name, t.dependsOn])).toEqual([
      ["T-01", "Scan source files", []],
      ["T-02", "Check code quality", ["T-01"]],
      ["T-03", "Security scan", ["T-01"]],
      ["T-04", "Performance analysis", ["T-01"]],
      ["T-05", "Generate report", ["T-02", "T-03", "T-04"]],
    ]);
    expect(plan.tasks.every((t) => t.priority === 2)).toBe(true);
  });

  it("reads the master-plan template's columns: P0..P3 and named priorities, skills, durations", () => {
    const plan = parseMarkdownPlan(`
| Task ID | Task Name | Description | Dependencies | Priority | Skills | Estimate | Timeout |
|---|---|---|---|---|---|---|---|
| T-01 | Collect | Gather data | None | P0 | data_collection | 5 min | 90s |
| T-02 | Analyse | Crunch it | T-01 | HIGH | data_analysis, stats | 120 | 1h |
| T-03 | Report | Write it up | T-01, T-02 | LOW | - | | |
`);
    expect(plan.tasks.map((t) => [t.key, t.priority, t.requiredSkills, t.estimatedDurationS, t.timeoutS])).toEqual([
      ["T-01", 0, ["data_collection"], 300, 90],
      ["T-02", 1, ["data_analysis", "stats"], 120, 3600],
      ["T-03", 3, [], 60, 600],
    ]);
    expect(plan.tasks[2]!.dependsOn).toEqual(["T-01", "T-02"]);
  });

  it("rejects what it cannot read with a message naming the line and the field plan_markdown", () => {
    const bad = (md: string) => {
      try {
        parseMarkdownPlan(md);
      } catch (error) {
        expect(error).toBeInstanceOf(SwitchyardError);
        expect((error as SwitchyardError).field).toBe("plan_markdown");
        return (error as SwitchyardError).message;
      }
      throw new Error("expected a rejection");
    };
    expect(bad("just prose")).toMatch(/no task table/);
    expect(bad("| Task ID | Name | Dependencies | Priority |\n|--|--|--|--|\n| T-01 | A | None | P9 |")).toMatch(/line 3: priority "P9"/);
    expect(bad("| Task ID | Name | Dependencies |\n|--|--|--|\n| T 01 | A | None |")).toMatch(/task id "T 01"/);
  });

  it("keeps pipes and line breaks inside cells", () => {
    expect(splitRow(`| a | ${escapeCell("x | y\nz")} |`)).toEqual(["a", "x | y\nz"]);
  });
});

describe("renderMasterPlan", () => {
  it("shows every status with its icon and reads back into the same tasks", () => {
    const statuses = ["pending", "running", "completed", "failed", "waiting", "retrying", "cancelled", "skipped"];
    const tasks = statuses.map((status, i) => ({
      key: `T-0${i + 1}`,
      name: `Task ${i + 1}`,
      description: i === 0 ? "multi\nline | with pipe" : `do ${i + 1}`,
      requiredSkills: i % 2 ? ["coding"] : [],
      priority: i % 4,
      estimatedDurationS: 30 + i,
      timeoutS: 100 + i,
      maxAttempts: 1 + (i % 3),
      dependsOn: i === 0 ? [] : [`T-0${i}`],
      status,
      agentName: i === 1 ? "worker-a" : null,
      attempt: i === 1 ? 1 : 0,
      startedAt: i === 1 ? new Date("2026-01-01T00:00:00Z") : null,
      finishedAt: null,
      nextAttemptAt: null,
    }));
    const md = renderMasterPlan(
      {
        id: "g",
        goal: "Ship it",
        context: null,
        status: "running",
        template: "explicit",
        createdAt: new Date(),
        finishedAt: null,
        finalOutput: null,
      },
      tasks,
    );
    for (const icon of ["🟡 Pending", "🔵 Running", "✅ Completed", "❌ Failed", "⏸️ Waiting", "🔄 Retrying", "🚫 Cancelled", "⏭️ Skipped"])
      expect(md).toContain(icon);
    expect(md).toContain("| T-02 | worker-a | 🔵 Running | 1/2 | 2026-01-01T00:00:00Z | - |");
    const back = parseMarkdownPlan(md);
    expect(back.request).toBe("Ship it");
    expect(back.tasks).toEqual(
      tasks.map((t) => ({
        key: t.key,
        name: t.name,
        description: t.description,
        requiredSkills: t.requiredSkills,
        priority: t.priority,
        estimatedDurationS: t.estimatedDurationS,
        dependsOn: t.dependsOn,
        maxAttempts: t.maxAttempts,
        timeoutS: t.timeoutS,
      })),
    );
  });
});
