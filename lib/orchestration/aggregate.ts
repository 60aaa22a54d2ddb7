// Combining a finished goal's results (pure): outputs in dependency (topological) order,
// the final output by the goal's aggregation strategy, and seed 002's summary.
//   concat      the sinks' results (every result when no sink completed), as text
//   json_merge  every result deep-merged as JSON in dependency order (later wins); a result
//               that is not JSON is named in `error`
//   json_array  every result as one JSON array (a result that is not JSON stays text)
//   last        the sinks' results only
//   agent       the result of the aggregate task an agent with skill `aggregation` ran
// The one query that reads a goal's tasks as their inputs is here too (loadAggregationInputs):
// closing a goal and presenting its result aggregate the same rows.
import type { DbOrTx } from "@/lib/db";
import type { Columns } from "@/lib/db/rows";
import type { SubtaskStatus, TerminalGoalStatus } from "@/lib/domain";
import type { AggregationStrategy } from "@/lib/domain";

export interface FinishedTask {
  id: string;
  key: string;
  name: string;
  status: SubtaskStatus;
  result: string | null;
  error: string | null;
  agentName: string | null;
  isSink: boolean;
  /** Ids of the tasks it depends on (spawned tasks sit after their dependents in stored order). */
  dependsOn?: string[];
  kind?: string;
}

/** A task as loadAggregationInputs reads it: what aggregation needs, and its failure count. */
export type AggregationInput = FinishedTask & { kind: string; dependsOn: string[]; failures: number };

/** The goal's tasks in stored (plan) order, with who ran each (the last attempt's agent once released). */
export async function loadAggregationInputs(client: DbOrTx, goalId: string): Promise<AggregationInput[]> {
  const tasks = await client.$queryRaw<
    Array<
      Columns<"subtasks", "id" | "key" | "name" | "status" | "result" | "error" | "kind" | "failures"> & {
        agent_name: string | null;
        is_sink: boolean;
        depends_on: string[];
      }
    >
  >`
    SELECT s.id, s.key, s.name, s.status, s.result, s.error, s.failures, COALESCE(a.name, (SELECT la.name FROM attempts t JOIN agents la ON la.id = t.agent_id WHERE t.subtask_id = s.id ORDER BY t.number DESC LIMIT 1)) AS agent_name,
      NOT EXISTS (SELECT 1 FROM subtask_dependencies d WHERE d.depends_on_id = s.id) AS is_sink, s.kind,
      ARRAY(SELECT d.depends_on_id::text FROM subtask_dependencies d WHERE d.subtask_id = s.id) AS depends_on
    FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id
    WHERE s.goal_id = ${goalId}::uuid ORDER BY s.position`;
  return tasks.map((t) => ({
    id: t.id,
    key: t.key,
    name: t.name,
    status: t.status,
    result: t.result,
    error: t.error,
    agentName: t.agent_name,
    isSink: t.is_sink,
    kind: t.kind,
    dependsOn: t.depends_on,
    failures: t.failures,
  }));
}

export interface AggregatedResult {
  strategy: AggregationStrategy;
  status: TerminalGoalStatus;
  steps_completed: number;
  steps_failed: number;
  steps_skipped: number;
  steps_cancelled: number;
  outputs: Array<{ key: string; name: string; status: SubtaskStatus; result: string | null; error: string | null; agent: string | null }>;
  /** The text a person reads. */
  final_output: string;
  /** The combined JSON value (json_merge, json_array; agent and last when their result is JSON). */
  value?: unknown;
  /** Why the strategy could not combine every result (e.g. a result that is not JSON). */
  error?: string;
}

export function goalOutcome(statuses: readonly SubtaskStatus[], cancelled: boolean): TerminalGoalStatus {
  if (cancelled) return "cancelled";
  const completed = statuses.filter((s) => s === "completed").length;
  if (completed === statuses.length) return "complete";
  return completed > 0 ? "partial" : "failed";
}

/** A topological order of the tasks, keeping their given order wherever the edges allow. */
export function dependencyOrder<T extends { id: string; dependsOn?: string[] }>(tasks: T[]): T[] {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const indegree = tasks.map((t) => (t.dependsOn ?? []).filter((d) => index.has(d)).length);
  const dependents: number[][] = tasks.map(() => []);
  tasks.forEach((t, i) => (t.dependsOn ?? []).forEach((d) => index.has(d) && dependents[index.get(d)!]!.push(i)));
  // The smallest ready index first (a binary min-heap of indices).
  const heap: number[] = [];
  const push = (v: number) => {
    heap.push(v);
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (heap[p]! <= heap[i]!) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]! < heap[m]!) m = l;
        if (r < heap.length && heap[r]! < heap[m]!) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  indegree.forEach((d, i) => d === 0 && push(i));
  const order: T[] = [];
  while (heap.length > 0) {
    const next = pop();
    order.push(tasks[next]!);
    for (const j of dependents[next]!) if (--indegree[j]! === 0) push(j);
  }
  if (order.length < tasks.length) return tasks; // a cycle cannot be stored; keep the given order rather than lose tasks
  return order;
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parseJson(text: string | null): Parsed {
  try {
    return { ok: true, value: JSON.parse(text ?? "") };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Objects merge key by key, recursively; anything else is replaced by the later value. */
export function deepMerge(a: unknown, b: unknown): unknown {
  if (!isPlainObject(a) || !isPlainObject(b)) return b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

function combine(strategy: AggregationStrategy, done: FinishedTask[]): Pick<AggregatedResult, "final_output" | "value" | "error"> {
  const work = done.filter((t) => t.kind !== "planning" && t.kind !== "aggregate");
  const sinks = work.filter((t) => t.isSink);
  const asText = (sources: FinishedTask[]) =>
    sources.map((t) => (sources.length > 1 ? `## ${t.key} ${t.name}\n${t.result ?? ""}` : (t.result ?? ""))).join("\n\n");
  switch (strategy) {
    case "concat": {
      const sources = sinks.length > 0 ? sinks : work;
      return { final_output: asText(sources) };
    }
    case "last": {
      const parsed = sinks.length === 1 ? parseJson(sinks[0]!.result) : undefined;
      return { final_output: asText(sinks), ...(parsed?.ok ? { value: parsed.value } : {}) };
    }
    case "json_array": {
      const value = work.map((t) => {
        const parsed = parseJson(t.result);
        return parsed.ok ? parsed.value : t.result;
      });
      return { final_output: JSON.stringify(value, null, 2), value };
    }
    case "json_merge": {
      let value: unknown = {};
      const notJson: string[] = [];
      for (const t of work) {
        const parsed = parseJson(t.result);
        if (parsed.ok) value = deepMerge(value, parsed.value);
        else notJson.push(t.key);
      }
      return {
        final_output: JSON.stringify(value, null, 2),
        value,
        ...(notJson.length > 0
          ? { error: `json_merge: the result of ${notJson.map((k) => `"${k}"`).join(", ")} is not JSON and was left out` }
          : {}),
      };
    }
    case "agent": {
      const aggregate = done.find((t) => t.kind === "aggregate");
      if (!aggregate)
        return { ...combine("concat", done), error: "agent: the aggregate task did not complete; the results are concatenated instead" };
      const parsed = parseJson(aggregate.result);
      return { final_output: aggregate.result ?? "", ...(parsed.ok ? { value: parsed.value } : {}) };
    }
  }
}

/** `tasks` in stored order; they are put in dependency order here. */
export function aggregateResults(tasks: FinishedTask[], cancelled = false, strategy: AggregationStrategy = "concat"): AggregatedResult {
  const ordered = dependencyOrder(tasks);
  const count = (s: string) => ordered.filter((t) => t.status === s).length;
  const done = ordered.filter((t) => t.status === "completed");
  return {
    strategy,
    status: goalOutcome(
      ordered.map((t) => t.status),
      cancelled,
    ),
    steps_completed: done.length,
    steps_failed: count("failed"),
    steps_skipped: count("skipped"),
    steps_cancelled: count("cancelled"),
    outputs: ordered.map((t) => ({ key: t.key, name: t.name, status: t.status, result: t.result, error: t.error, agent: t.agentName })),
    ...combine(strategy, done),
  };
}
