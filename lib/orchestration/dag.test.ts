import { describe, expect, it } from "vitest";
import { validatePlan } from "@/lib/orchestration/dag";
import { SwitchyardError } from "@/lib/errors";
import type { PlanTask } from "@/lib/orchestration/types";

function t(key: string, dependsOn: string[] = [], estimate = 10): PlanTask {
  return {
    key,
    name: key,
    description: "",
    requiredSkills: [],
    priority: 2,
    estimatedDurationS: estimate,
    dependsOn,
    maxAttempts: 3,
    timeoutS: 60,
  };
}

function errorOf(fn: () => unknown): SwitchyardError {
  try {
    fn();
  } catch (e) {
    return e as SwitchyardError;
  }
  throw new Error("expected an error");
}

describe("plan validation", () => {
  it("orders tasks topologically and computes remaining critical paths", () => {
    const { tasks, criticalPathS } = validatePlan([
      t("report", ["a", "b"], 5),
      t("a", ["scan"], 30),
      t("b", ["scan"], 10),
      t("scan", [], 20),
    ]);
    const order = tasks.map((x) => x.key);
    expect(order.indexOf("scan")).toBeLessThan(order.indexOf("a"));
    expect(order.indexOf("a")).toBeLessThan(order.indexOf("report"));
    expect(Object.fromEntries(criticalPathS)).toEqual({ scan: 55, a: 35, b: 15, report: 5 });
  });

  it("names a cycle and where it is", () => {
    const e = errorOf(() => validatePlan([t("A", ["C"]), t("B", ["A"]), t("C", ["B"]), t("D")]));
    expect(e.code).toBe("validation_failed");
    expect(e.message).toMatch(/dependency cycle: ([ABC]) → [ABC] → [ABC] → \1/);
    expect(e.field).toMatch(/^plan\.tasks\[[012]\]\.depends_on$/);
  });

  it("names a dangling dependency, a self dependency and a duplicate key", () => {
    expect(errorOf(() => validatePlan([t("A"), t("B", ["Z"])]))).toMatchObject({
      message: 'task "B" depends on unknown task "Z"',
      field: "plan.tasks[1].depends_on[0]",
    });
    expect(errorOf(() => validatePlan([t("A", ["A"])]))).toMatchObject({
      message: 'task "A" depends on itself',
      field: "plan.tasks[0].depends_on[0]",
    });
    expect(errorOf(() => validatePlan([t("A"), t("A")]))).toMatchObject({ message: 'duplicate task key "A"', field: "plan.tasks[1].key" });
  });
});
