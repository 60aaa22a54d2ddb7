// Result validation: a plan task may carry `output_schema`, a JSON Schema (draft 2020-12,
// or draft-07 when its `$schema` says so) that every result of the task must match.
// ajv does the work; compiled validators are cached by the schema's text.
import { Ajv2020 } from "ajv/dist/2020.js";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

const DRAFT_07 = /json-schema\.org\/draft-07\/schema/;
const options = { allErrors: true, strict: false, validateFormats: false } as const;
let ajv2020: Ajv2020 | undefined;
let ajv07: Ajv | undefined;
const cache = new Map<string, ValidateFunction>();
const CACHE_MAX = 500;

function ajvFor(schema: Record<string, unknown>): Ajv | Ajv2020 {
  if (typeof schema.$schema === "string" && DRAFT_07.test(schema.$schema)) return (ajv07 ??= new Ajv(options));
  return (ajv2020 ??= new Ajv2020(options));
}

function formatErrors(errors: ErrorObject[] | null | undefined, limit = 10): string {
  const list = (errors ?? []).slice(0, limit).map((e) => {
    const path = e.instancePath === "" ? "/" : e.instancePath;
    const extra =
      e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : "";
    return `${path}: ${e.message ?? e.keyword}${extra}`;
  });
  const more = (errors?.length ?? 0) > limit ? `; and ${errors!.length - limit} more` : "";
  return list.join("; ") + more;
}

/** Why this is not a usable JSON Schema, or null when it is. */
export function schemaProblem(schema: unknown): string | null {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return "must be a JSON Schema object";
  try {
    compile(schema as Record<string, unknown>);
    return null;
  } catch (error) {
    return `is not a valid JSON Schema: ${(error as Error).message}`.slice(0, 500);
  }
}

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = cache.get(key);
  if (hit) return hit;
  const ajv = ajvFor(schema);
  if (!ajv.validateSchema(schema)) throw new Error(formatErrors(ajv.errors));
  const validate = ajv.compile(schema);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(key, validate);
  return validate;
}

/**
 * Checks a result (the text the agent reported) against the task's schema: null when it
 * matches, else an error that names the failing paths (JSON Pointer into the result).
 */
export function resultProblem(schema: unknown, result: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(result);
  } catch (error) {
    return `result is not JSON (the task has an output_schema): ${(error as Error).message}`.slice(0, 1000);
  }
  const validate = compile(schema as Record<string, unknown>);
  if (validate(value)) return null;
  return `result does not match output_schema: ${formatErrors(validate.errors)}`;
}
