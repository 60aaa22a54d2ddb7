// Request schemas of issue 9: progress reports, usage, budgets and stored output.
// Strict objects like the rest of the API (lib/api/schemas.ts).
import { z } from "zod";
import { LIMITS, longText, storable, STORABLE, text } from "@/lib/orchestration/plan-schema";

const uuid = z.string().uuid("must be a UUID");
const tokens = z.number().int().min(0).max(1e12);

/** What one report adds to an attempt's usage (every field optional; values add up). */
export const usageSchema = z.strictObject({
  input_tokens: tokens.optional(),
  output_tokens: tokens.optional(),
  cost_usd: z.number().min(0).max(1e6).optional(),
  model: text(200).optional(),
});

// POST /api/orchestration/progress – `output` is checked in bytes by the domain (413 over OUTPUT_CHUNK_MAX_BYTES).
export const progressBody = z.strictObject({
  subtask_uuid: uuid,
  attempt: z.number().int().min(1).max(LIMITS.attemptNumber).optional(),
  progress: z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").optional(),
  message: longText(2_000).optional(),
  output: z.string().refine(storable, STORABLE).optional(),
  usage: usageSchema.optional(),
});

/** A goal's budget: either limit, or both; null removes one. */
export const budgetSchema = z.strictObject({
  max_cost_usd: z.number().min(0).max(1e9).nullable().optional(),
  max_tokens: z.number().int().min(0).max(1e15).nullable().optional(),
});

// PATCH /api/goals/:id
export const updateGoalBody = z.strictObject({ budget: budgetSchema });

// GET /api/tasks/:id/output?attempt=
export const outputQuery = z.strictObject({
  attempt: z.coerce.number().int().min(1).max(LIMITS.attemptNumber).optional(),
});
