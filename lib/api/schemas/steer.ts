// Request schemas of the operator's controls (issue 10): pause/resume, drain, approval,
// re-run, bulk actions, goal search. Strict objects: an unknown field is a 400 naming it.
import { z } from "zod";
import { LIMITS, longText, storable, STORABLE, text } from "@/lib/orchestration/plan-schema";
import { completeBody, skillSchema, uuidSchema } from "@/lib/api/schemas";
import { BULK_ACTIONS, SUBTASK_STATUSES } from "@/lib/domain";

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

// POST /api/tasks/bulk – an action on every task a filter matches (dry_run: count them only).
const statusList = z.union([z.enum(SUBTASK_STATUSES), z.array(z.enum(SUBTASK_STATUSES)).min(1).max(SUBTASK_STATUSES.length)]);
export const bulkFilter = z
  .strictObject({
    goal_id: uuidSchema.optional(),
    status: statusList.optional(),
    skill: skillSchema.optional(),
    agent_id: uuidSchema.optional(),
    key: z.string().max(64).refine(storable, STORABLE).optional(),
  })
  .refine((f) => Object.values(f).some((v) => v !== undefined), "the filter needs at least one of goal_id, status, skill, agent_id, key");

export const bulkBody = z
  .strictObject({
    action: z.enum(BULK_ACTIONS),
    filter: bulkFilter,
    /** The agent to reassign to (action reassign only). */
    agent_id: uuidSchema.optional(),
    dry_run: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.action === "reassign" && !b.agent_id)
      ctx.addIssue({ code: "custom", path: ["agent_id"], message: "reassign needs the agent_id to reassign to" });
    if (b.action !== "reassign" && b.agent_id)
      ctx.addIssue({ code: "custom", path: ["agent_id"], message: `agent_id is for reassign only, not ${b.action}` });
  });
