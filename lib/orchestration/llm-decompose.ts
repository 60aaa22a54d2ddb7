// Optional LLM decomposition through an OpenAI-compatible chat completions endpoint
// (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL). The model answers a JSON plan; anything wrong
// with the call or the answer (network, status, not JSON, bad task, cycle) falls back to
// the built-in templates, so a goal is never lost to the LLM.
import { z } from "zod";
import { planTaskSchema } from "@/lib/orchestration/plan-schema";
import { planFromInput } from "@/lib/orchestration/create-goal";
import { validatePlan } from "@/lib/orchestration/dag";
import { decomposeWithTemplates, type Decomposition } from "@/lib/orchestration/templates";

export interface LlmConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const SYSTEM_PROMPT = `You decompose a goal into a DAG of atomic subtasks for a pool of agents.
Answer with one JSON object and nothing else:
{"tasks": [{"key": "T-01", "name": "short name", "description": "what to do and what to output",
  "required_skills": ["snake_case_skill"], "priority": "CRITICAL|HIGH|MEDIUM|LOW",
  "estimated_duration_s": 300, "depends_on": ["T-00"]}]}
Rules: 1 to 20 tasks; keys T-01, T-02, …; depends_on lists only earlier keys; independent
tasks have no dependencies so they run in parallel; end with a task that combines the
results when there are several branches.`;

const llmPlan = z.object({ tasks: z.array(planTaskSchema).min(1).max(50) });

export interface LlmDecomposition extends Decomposition {
  /** Why the templates were used instead, when they were. */
  fallbackReason?: string;
}

function extractJson(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const body = fenced ? fenced[1]! : text;
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end <= start) throw new Error("the answer holds no JSON object");
  return JSON.parse(body.slice(start, end + 1));
}

export async function decomposeWithLlm(goal: string, context: string | undefined, config: LlmConfig): Promise<LlmDecomposition> {
  try {
    const res = await (config.fetch ?? fetch)(`${config.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
      body: JSON.stringify({
        model: config.model,
        temperature: 0,
        response_format: { type: "json_object" },
        messages: [
          { role: "system", content: SYSTEM_PROMPT },
          { role: "user", content: context ? `Goal: ${goal}\n\nContext: ${context}` : `Goal: ${goal}` },
        ],
      }),
      signal: AbortSignal.timeout(config.timeoutMs ?? 30_000),
    });
    if (!res.ok) throw new Error(`the LLM endpoint answered ${res.status}`);
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: string } }> };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== "string") throw new Error("the answer has no choices[0].message.content");
    const parsed = llmPlan.safeParse(extractJson(content));
    if (!parsed.success)
      throw new Error(`the plan is invalid: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
    const tasks = planFromInput(parsed.data.tasks);
    validatePlan(tasks); // cycles, dangling or duplicate keys
    return { template: "llm", tasks };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ...decomposeWithTemplates(goal, context), fallbackReason: reason };
  }
}
