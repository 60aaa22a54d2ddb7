// Request schemas of the HTTP API, one place for all routes (and the OpenAPI document).
// Strict objects: an unknown field is a 400 that names it.
import { z } from "zod";
import { decodeGoalCursor } from "@/lib/presenters/goal-cursor";
import { GOAL_STATUSES } from "@/lib/domain";
import { LIMITS, longText, planSchema, skillsSchema, storable, STORABLE, text } from "@/lib/orchestration/plan-schema";
import { spawnSchema } from "@/lib/orchestration/spawn";
import { AGGREGATION_STRATEGIES, PLANNERS } from "@/lib/domain";
import { budgetSchema, usageSchema } from "@/lib/api/schemas/progress";

// The plan's rules live with the domain (the markdown plan and the LLM decomposer meet them too).
export { LIMITS, planSchema, planTaskSchema, prioritySchema, skillSchema, skillsSchema } from "@/lib/orchestration/plan-schema";

export const uuidSchema = z.string().uuid("must be a UUID");

export const registerBody = z.strictObject({
  skills: skillsSchema,
  name: text(LIMITS.nameChars).trim().min(1).optional(),
  capacity: z.number().int().min(1).max(LIMITS.capacity).optional(),
  context_id: text(200).optional(),
});

export const decomposeBody = z.strictObject({
  goal: text(LIMITS.goalChars).trim().min(1, "goal cannot be empty"),
  context: longText(LIMITS.contextChars).optional(),
  plan: planSchema.optional(),
  plan_markdown: longText(LIMITS.contextChars * 10).optional(),
  dry_run: z.boolean().optional(),
  /** "agent": one planning task (skill planning) whose agent answers with a spawn. */
  planner: z.enum(PLANNERS).optional(),
  /** How the results combine into the final output (default concat). */
  aggregation: z.enum(AGGREGATION_STRATEGIES).optional(),
  /** Issue 9: pause the goal once its recorded usage passes this. */
  budget: budgetSchema.optional(),
});

export const assignBody = z.strictObject({
  agent_id: uuidSchema.optional(),
  max: z.number().int().min(1).max(LIMITS.assignMax).optional(),
});

/** Why a JSON result cannot be stored (too deep, too long, NUL or lone surrogates), or null. */
function jsonResultIssue(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > LIMITS.resultDepth) return `is nested deeper than ${LIMITS.resultDepth} levels`;
    if (typeof v === "string" && !storable(v)) return STORABLE;
    if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (!storable(k)) return STORABLE;
        stack.push([child, depth + 1]);
      }
    }
  }
  return JSON.stringify(value).length > LIMITS.resultChars ? `is longer than ${LIMITS.resultChars} characters as JSON` : null;
}

const resultValue = z
  .union([longText(LIMITS.resultChars), z.record(z.string(), z.unknown()), z.array(z.unknown()), z.number(), z.boolean()])
  .superRefine((value, ctx) => {
    if (typeof value === "string") return;
    const issue = jsonResultIssue(value);
    if (issue) ctx.addIssue({ code: "custom", message: issue });
  });

export const completeBody = z.strictObject({
  subtask_uuid: uuidSchema,
  result: resultValue,
  attempt: z.number().int().min(1).max(LIMITS.attemptNumber).optional(),
  /** Tasks this completion adds to its goal (lib/orchestration/spawn.ts). */
  spawn: spawnSchema.optional(),
  /** Issue 9: what the attempt used since its last progress report (added to its usage). */
  usage: usageSchema.optional(),
});

export const failBody = z.strictObject({
  subtask_uuid: uuidSchema,
  error: longText(LIMITS.errorChars).pipe(z.string().min(1, "error cannot be empty")),
  attempt: z.number().int().min(1).max(LIMITS.attemptNumber).optional(),
});

export const agentIdBody = z.strictObject({ agent_id: uuidSchema });

export const tensorQuery = z.strictObject({
  goal_id: uuidSchema.optional(),
  format: z.enum(["dense", "sparse", "binary"]).default("dense"),
});

export const goalsQuery = z.strictObject({
  status: z.enum(GOAL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  // Issue 10: text search over goal text and context, and keyset pages (lib/presenters/goal-search.ts).
  q: text(500).optional(),
  cursor: z
    .string()
    .max(200)
    .refine((c) => decodeGoalCursor(c) !== null, "is not a cursor this server gave out")
    .optional(),
});

export const idParams = z.strictObject({ id: uuidSchema });

/** The window of a throughput chart: the last N minutes, at most a day. */
const throughputMinutes = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 60)
  .default(60);

export const throughputQuery = z.strictObject({ minutes: throughputMinutes, agent_id: uuidSchema.optional() });

export const agentThroughputQuery = z.strictObject({ minutes: throughputMinutes });

export const tensorLabelsQuery = z.strictObject({ goal_id: uuidSchema.optional() });

// POST /api/session (the sign-in page posts it as a form, API callers as JSON).
export const sessionBody = z.strictObject({
  token: z.string().min(1, "token is required").max(1024),
  next: z.string().max(2048).optional(),
});

// GET /api/events – the event log after a seq (catch-up for live clients)
export const eventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  goal_id: uuidSchema.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

// POST /api/tasks/:id/reassign
export const reassignBody = z.strictObject({ agent_id: uuidSchema });

// POST /api/orchestration/complete-batch: many completions of the calling agent at once,
// each item shaped exactly like the body of POST /api/orchestration/complete.
export const completeBatchBody = z.strictObject({
  completions: z.array(completeBody).min(1, "send at least one completion").max(LIMITS.assignMax),
});
