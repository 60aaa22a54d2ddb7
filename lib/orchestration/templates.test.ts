import { describe, expect, it } from "vitest";
import { fanOutTaskName, decomposeWithTemplates, detectFanOut } from "@/lib/orchestration/templates";
import { validatePlan } from "@/lib/orchestration/dag";

const summary = (goal: string, context?: string) => {
  const d = decomposeWithTemplates(goal, context);
  return { template: d.template, tasks: d.tasks.map((t) => [t.key, t.name, t.dependsOn.join(","), t.requiredSkills.join(",")]) };
};

describe("decomposition templates", () => {
  it("turns an analysis goal into collect → analyse → report", () => {
    expect(summary("analyze customer satisfaction trends and create actionable insights")).toEqual({
      template: "analysis",
      tasks: [
        ["T-01", "Data Collection", "", "data_collection"],
        ["T-02", "Data Analysis", "T-01", "data_analysis"],
        ["T-03", "Report Generation", "T-02", "reporting"],
      ],
    });
  });

  it("turns a development goal into requirements → design → implementation → testing", () => {
    const d = decomposeWithTemplates("develop authentication system", "JWT, Postgres");
    expect(d.template).toBe("development");
    expect(d.tasks.map((t) => t.name)).toEqual(["Requirements Analysis", "Design Phase", "Implementation", "Testing"]);
    expect(d.tasks.map((t) => t.dependsOn)).toEqual([[], ["T-01"], ["T-02"], ["T-03"]]);
    expect(d.tasks[0]!.priority).toBe(0);
    expect(d.tasks[2]!.description).toContain("JWT, Postgres");
  });

  it("fans out 'for each of' into parallel tasks and one aggregate step", () => {
    const d = decomposeWithTemplates("review the code for each of auth.ts, db.ts and api.ts");
    expect(d.template).toBe("fan_out");
    expect(d.tasks.map((t) => t.name)).toEqual([
      "Review the code: auth.ts",
      "Review the code: db.ts",
      "Review the code: api.ts",
      "Aggregate results",
    ]);
    expect(d.tasks.slice(0, 3).every((t) => t.dependsOn.length === 0 && t.requiredSkills[0] === "code_review")).toBe(true);
    expect(d.tasks[3]!.dependsOn).toEqual(["T-01", "T-02", "T-03"]);
  });

  it("fans out a counted request ('translate the 5 documents') and a listed one with a summary", () => {
    const translate = decomposeWithTemplates("Translate the 5 documents in docs/ to Chinese");
    expect(translate.template).toBe("fan_out");
    expect(translate.tasks).toHaveLength(6);
    expect(translate.tasks[0]!.requiredSkills).toEqual(["translation"]);

    const cameras = decomposeWithTemplates("Analyze all cameras (camera_1, camera_2, camera_3) and summarize");
    expect(cameras.template).toBe("fan_out");
    expect(cameras.tasks.map((t) => t.name)).toEqual(["Analyze camera_1", "Analyze camera_2", "Analyze camera_3", "Summarize all results"]);
    expect(cameras.tasks[0]!.requiredSkills).toEqual(["vision"]);
    expect(cameras.tasks[3]!.requiredSkills).toEqual(["summarization"]);
  });

  it("names fan-out tasks by their item, not by the whole goal repeated (issue 9)", () => {
    const d = decomposeWithTemplates(
      "Translate these 5 documents to Chinese: intro.md, getting-started.md, api-reference.md, tutorials.md, faq.md",
    );
    expect(d.tasks.map((t) => t.name)).toEqual([
      "Translate intro.md to Chinese",
      "Translate getting-started.md to Chinese",
      "Translate api-reference.md to Chinese",
      "Translate tutorials.md to Chinese",
      "Translate faq.md to Chinese",
      "Aggregate results",
    ]);
    expect(decomposeWithTemplates("Translate the 3 documents in docs/ to Chinese").tasks[0]!.name).toBe(
      "Translate document 1 in docs/ to Chinese",
    );
    const long = "Carefully proofread, fact-check and rewrite for a general audience, keeping every number exact".repeat(1);
    expect(fanOutTaskName(long, "chapter-01.md")).toBe("chapter-01.md");
    for (const t of d.tasks) expect(t.name.length).toBeLessThanOrEqual(80);
  });

  it("makes a single generic task of anything else", () => {
    expect(summary("say hello to the team")).toEqual({ template: "generic", tasks: [["T-01", "Execute goal", "", ""]] });
  });

  it("gives every template a valid DAG with priorities, estimates and critical paths", () => {
    for (const goal of ["analyze sales", "build a website", "translate: a, b, c", "wave"]) {
      const { tasks, criticalPathS } = validatePlan(decomposeWithTemplates(goal).tasks);
      for (const t of tasks) {
        expect(t.priority).toBeGreaterThanOrEqual(0);
        expect(t.estimatedDurationS).toBeGreaterThan(0);
        expect(criticalPathS.get(t.key)).toBeGreaterThanOrEqual(t.estimatedDurationS);
      }
    }
  });

  it("does not fan out a sentence with a single item", () => {
    expect(detectFanOut("summarize this: the report")).toBeNull();
  });
});
