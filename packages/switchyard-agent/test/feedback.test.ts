// A task the operator rejected (or whose result failed its output_schema) runs again with
// what went wrong: the worker hands the previous attempt to the command on stdin (the
// assignment JSON, and the markdown prompt) and in SWITCHYARD_FEEDBACK.
import { describe, expect, it } from "vitest";
import type { Assignment } from "switchyard-client";
import { taskEnvironment } from "../src/worker";
import { renderTaskMarkdown } from "../src/task-markdown";

const base: Assignment = {
  subtask_uuid: "22222222-2222-4222-8222-222222222222",
  goal_id: "11111111-1111-4111-8111-111111111111",
  agent_id: "44444444-4444-4444-8444-444444444444",
  attempt: 2,
  key: "draft",
  name: "Draft",
  description: "write it",
  required_skills: [],
  priority: "MEDIUM",
  timeout_s: 60,
  deadline_at: "2026-12-01T00:00:00.000Z",
  goal: "a report",
  context: null,
  inputs: [],
};

describe("feedback for the next attempt", () => {
  it("a rejected attempt's feedback is in SWITCHYARD_FEEDBACK and the previous attempt in SWITCHYARD_PREVIOUS_ATTEMPT", () => {
    const previous = { number: 1, outcome: "rejected" as const, result: "too short", error: null, feedback: "cite your sources" };
    const env = taskEnvironment({ ...base, previous_attempt: previous, feedback: previous.feedback }, "http://x");
    expect(env.SWITCHYARD_FEEDBACK).toBe("cite your sources");
    expect(JSON.parse(env.SWITCHYARD_PREVIOUS_ATTEMPT!)).toEqual(previous);
    const markdown = renderTaskMarkdown({ ...base, previous_attempt: previous, feedback: previous.feedback });
    expect(markdown).toContain("## Previous Attempt (1, rejected)");
    expect(markdown).toContain("cite your sources");
    expect(markdown).toContain("too short");
  });

  it("a validation failure's error reaches the markdown prompt; a first attempt has no feedback", () => {
    const previous = {
      number: 1,
      outcome: "failed" as const,
      result: "{}",
      error: "result does not match output_schema: /: must have required property 'title'",
      feedback: null,
    };
    expect(renderTaskMarkdown({ ...base, previous_attempt: previous })).toContain("must have required property 'title'");
    const first = taskEnvironment({ ...base, attempt: 1 }, "http://x");
    expect(first.SWITCHYARD_FEEDBACK).toBe("");
    expect(first.SWITCHYARD_PREVIOUS_ATTEMPT).toBe("");
    expect(renderTaskMarkdown({ ...base, attempt: 1 })).not.toContain("Previous Attempt");
  });
});
