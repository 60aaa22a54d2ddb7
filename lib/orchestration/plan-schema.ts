// The shape and limits of a plan's tasks, shared by the JSON plan of the HTTP API
// (lib/api/schemas.ts), the markdown plan and the LLM decomposer: one set of rules
// however a plan arrives. Also the text rules (what PostgreSQL can store) the API reuses.
import { z } from "zod";
import { PRIORITY_NAMES } from "@/lib/orchestration/types";
import { schemaProblem } from "@/lib/orchestration/output-schema";

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
  /** A task's output_schema as JSON. */
  outputSchemaChars: 65_536,
} as const;

const noControlChars = (s: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
// PostgreSQL text cannot hold NUL, and jsonb refuses lone UTF-16 surrogates: refuse both at the door.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const storable = (s: string) => !s.includes("\u0000") && !LONE_SURROGATE.test(s);
export const STORABLE = "must not contain NUL characters or unpaired surrogates";
/** Free text (newlines and tabs allowed) that PostgreSQL can store. */
export const longText = (max: number) => z.string().max(max).refine(storable, STORABLE);

export const skillSchema = z
  .string()
  .trim()
  .min(1, "a skill cannot be empty")
  .max(LIMITS.skillChars)
  .regex(/^[\p{L}\p{N}_.:+#/-]+$/u, "a skill is letters, digits and _ . : + # / - only");

export const skillsSchema = z.array(skillSchema).max(LIMITS.skills);

export const prioritySchema = z
  .union([z.enum(PRIORITY_NAMES), z.number().int().min(0).max(3)])
  .transform((p) => (typeof p === "number" ? p : PRIORITY_NAMES.indexOf(p)));

export const text = (max: number) =>
  z.string().max(max).refine(noControlChars, "must not contain control characters").refine(storable, STORABLE);

export const planTaskSchema = z.strictObject({
  key: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, "a key is letters, digits and _ . - only"),
  name: text(LIMITS.nameChars).trim().min(1, "a task needs a name"),
  description: text(LIMITS.descriptionChars).optional(),
  required_skills: skillsSchema.optional(),
  priority: prioritySchema.optional(),
  estimated_duration_s: z.number().int().min(0).max(LIMITS.estimatedDurationS).optional(),
  depends_on: z.array(z.string().max(64).refine(storable, STORABLE)).max(LIMITS.dependencies).optional(),
  max_attempts: z.number().int().min(1).max(LIMITS.maxAttempts).optional(),
  timeout_s: z.number().int().min(1).max(LIMITS.timeoutS).optional(),
  /** Approval gate: a completed attempt waits for the operator (issue 10). */
  approval: z.boolean().optional(),
  /** A JSON Schema every result must match (lib/orchestration/output-schema.ts). */
  output_schema: z
    .record(z.string(), z.unknown())
    .superRefine((schema, ctx) => {
      const problem =
        JSON.stringify(schema).length > LIMITS.outputSchemaChars
          ? `is longer than ${LIMITS.outputSchemaChars} characters as JSON`
          : schemaProblem(schema);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
});

export const planSchema = z.strictObject({
  tasks: z
    .array(planTaskSchema)
    .min(1, "a plan needs at least one task")
    .max(LIMITS.planTasks)
    .refine(
      (tasks) => tasks.reduce((n, t) => n + (t.depends_on?.length ?? 0), 0) <= LIMITS.planEdges,
      `a plan has at most ${LIMITS.planEdges} dependencies in all`,
    ),
});
