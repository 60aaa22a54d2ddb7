// Request schemas of the operator's controls (issue 10): pause/resume, drain, approval,
// re-run, bulk actions, goal search. Strict objects: an unknown field is a 400 naming it.
import { z } from "zod";
import { LIMITS, longText, text } from "@/lib/orchestration/plan-schema";
import { completeBody } from "@/lib/api/schemas";

/** A body with nothing in it (an empty body is fine; an unknown field is a 400). */
export const emptyBody = z.strictObject({});

// POST /api/goals/:id/pause, /resume; POST /api/agents/:id/drain, /undrain
export const pauseBody = emptyBody;
export const resumeBody = emptyBody;
export const drainBody = emptyBody;

// POST /api/tasks/:id/approve – the result, when given, replaces the agent's (text or JSON, as a completion's).
export const approveBody = z.strictObject({
  result: completeBody.shape.result.optional(),
});

// POST /api/tasks/:id/reject – the feedback goes to the next attempt.
export const rejectBody = z.strictObject({
  feedback: longText(LIMITS.errorChars).pipe(z.string().trim().min(1, "feedback cannot be empty")),
});

// POST /api/tasks/:id/rerun – optionally with an edited description for the task.
export const rerunBody = z.strictObject({
  description: text(LIMITS.descriptionChars).optional(),
});
