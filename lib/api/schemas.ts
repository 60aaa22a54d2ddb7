// Request schemas of the HTTP API, one place for all routes (and the OpenAPI document).
// Strict objects: an unknown field is a 400 that names it.
import { z } from "zod";

export const LIMITS = {
  goalChars: 10_000,
  contextChars: 100_000,
  nameChars: 200,
  descriptionChars: 20_000,
  skillChars: 64,
  skills: 64,
  planTasks: 10_000,
  dependencies: 1_000,
  resultChars: 1_048_576,
  errorChars: 65_536,
  capacity: 1_000,
  maxAttempts: 100,
  timeoutS: 7 * 24 * 3600,
  estimatedDurationS: 365 * 24 * 3600,
  assignMax: 1_000,
  /** Total dependency edges in one plan. */
  planEdges: 100_000,
  /** An attempt number (a task is re-run at most this often, requeues included). */
  attemptNumber: 1_000_000,
  /** Nesting of a JSON result. */
  resultDepth: 64,
} as const;

const noControlChars = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
// PostgreSQL text cannot hold NUL, and jsonb refuses lone UTF-16 surrogates: refuse both at the door.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s);
const STORABLE = "must not contain NUL characters or unpaired surrogates";
/** Free text (newlines and tabs allowed) that PostgreSQL can store. */
const longText = (max: number) => z.string().max(max).refine(storable, STORABLE);

export const skillSchema = z
  .string()
  .trim()
  .min(1, "a skill cannot be empty")
  .max(LIMITS.skillChars)
  .regex(/^[\p{L}\p{N}_.:+#/-]+$/u, "a skill is letters, digits and _ . : + # / - only");

export const skillsSchema = z.array(skillSchema).max(LIMITS.skills);

export const uuidSchema = z.string().uuid("must be a UUID");

export const prioritySchema = z
  .union([z.enum(["CRITICAL", "HIGH", "MEDIUM", "LOW"]), z.number().int().min(0).max(3)])
  .transform((p) => (typeof p === "number" ? p : ["CRITICAL", "HIGH", "MEDIUM", "LOW"].indexOf(p)));

const text = (max: number) =>
  z.string().max(max).refine(noControlChars, "must not contain control characters").refine(storable, STORABLE);

export const planTaskSchema = z.strictObject({
  key: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "a key is letters, digits and _ . - only"),
  name: text(LIMITS.nameChars).trim().min(1, "a task needs a name"),
  description: text(LIMITS.descriptionChars).optional(),
  required_skills: skillsSchema.optional(),
  priority: prioritySchema.optional(),
  estimated_duration_s: z.number().int().min(0).max(LIMITS.estimatedDurationS).optional(),
  depends_on: z.array(z.string().max(64).refine(storable, STORABLE)).max(LIMITS.dependencies).optional(),
  max_attempts: z.number().int().min(1).max(LIMITS.maxAttempts).optional(),
  timeout_s: z.number().int().min(1).max(LIMITS.timeoutS).optional(),
});

export const planSchema = z.strictObject({
  tasks: z
    .array(planTaskSchema)
    .min(1, "a plan needs at least one task")
    .max(LIMITS.planTasks)
    .refine((tasks) => tasks.reduce((n, t) => n + (t.depends_on?.length ?? 0), 0) <= LIMITS.planEdges, `a plan has at most ${LIMITS.planEdges} dependencies in all`),
});

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
  status: z.enum(["pending", "running", "complete", "partial", "failed", "cancelled"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const idParams = z.strictObject({ id: uuidSchema });

export const throughputQuery = z.strictObject({
  minutes: z.coerce.number().int().min(1).max(24 * 60).default(60),
  agent_id: uuidSchema.optional(),
});

export const agentThroughputQuery = z.strictObject({
  minutes: z.coerce.number().int().min(1).max(24 * 60).default(60),
});

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
