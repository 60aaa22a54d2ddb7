// Seed 000's "distributed_orchestration" tools as an MCP server, over the REST API via the
// typed client: register_agent, decompose_goal, assign_tasks, get_status, get_task_tensor,
// mark_completed, update_heartbeat (plus mark_failed and get_goal_result). The same tools
// serve stdio (bin/switchyard-mcp) and Streamable HTTP (app/api/mcp).
//
// Identity: the agent is the client's agent token — given at start (SWITCHYARD_AGENT_TOKEN,
// a token file, or the HTTP request's Bearer token) or set by register_agent, which
// returns the token so the caller can keep it. The server never unregisters the agent on
// its own: a restart with the same token is the same agent, still holding its tasks.
//
// To add a tool: append a `defineTool({...})` to TOOLS below (title, a described parameter
// per input, annotations, an output schema, `run`).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ApiError, SwitchyardClient, type Assignment } from "switchyard-client";

export interface SwitchyardMcpOptions {
  client: SwitchyardClient;
  /** Background heartbeat while the process runs and holds an agent (0 = only when the agent calls update_heartbeat). */
  autoHeartbeatMs?: number;
  /** Called with the token after register_agent (e.g. to save it to a token file); returns where it was kept, if anywhere. */
  persistToken?: (token: string) => string | undefined;
  /** Where the agent's token should go next time, in register_agent's note. */
  tokenHint?: string;
}

interface ToolContext {
  client: SwitchyardClient;
  options: SwitchyardMcpOptions;
  /** Attempt number of each task this agent took in this process, so completions are fenced to it. */
  attempts: Map<string, number>;
  /** Starts (or restarts) the background heartbeat for the current agent. */
  startHeartbeat: () => void;
}

interface ToolDefinition<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema?: I;
  outputSchema: O;
  annotations: Omit<ToolAnnotations, "title">;
  /** Tools an agent uses need its identity first. */
  needsAgent?: boolean;
  run: (args: z.infer<z.ZodObject<I>>, ctx: ToolContext) => Promise<z.infer<z.ZodObject<O>>>;
}

const defineTool = <I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: ToolDefinition<I, O>) =>
  tool as unknown as ToolDefinition<z.ZodRawShape, z.ZodRawShape>;

// Ids are checked by the server; a plain string keeps the schema short (no uuid regex).
const uuid = (what: string) => z.string().min(1).max(64).describe(`${what} (a UUID)`);
const skill = z.string().min(1).max(64).describe("One skill, e.g. coding");
const attemptInput = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe("The attempt from assign_tasks (remembered by this server when you took the task here)");
const READ = { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false } as const;
const WRITE = { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: false } as const;

/** A plan as the tools take it (the server checks it fully: keys, dependencies, cycles, limits). */
const planInput = z.object({
  tasks: z
    .array(
      z.object({
        key: z.string().min(1).max(64),
        name: z.string().min(1).max(200),
        description: z.string().max(20_000).optional(),
        required_skills: z.array(z.string()).max(64).optional(),
        priority: z.union([z.enum(["CRITICAL", "HIGH", "MEDIUM", "LOW"]), z.number().int().min(0).max(3)]).optional(),
        estimated_duration_s: z.number().int().min(0).optional(),
        depends_on: z.array(z.string()).optional(),
        max_attempts: z.number().int().min(1).optional(),
        timeout_s: z.number().int().min(1).optional(),
      }),
    )
    .min(1),
});

const assignmentShape = z.object({
  subtask_uuid: z.string().describe("Pass to mark_completed / mark_failed"),
  goal_id: z.string(),
  attempt: z.number().int().describe("This attempt's number; results of older attempts are refused"),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  goal: z.string().describe("The goal this task belongs to"),
  context: z.string().nullable(),
  priority: z.string(),
  required_skills: z.array(z.string()),
  timeout_s: z.number().describe("Seconds you have for this attempt"),
  deadline_at: z.string().describe("When the attempt times out (ISO 8601); heartbeat and finish before"),
  inputs: z
    .array(z.object({ key: z.string(), name: z.string(), result: z.string().nullable() }))
    .describe("Results of the tasks this one depends on"),
  feedback: z.string().nullable().describe("The operator's feedback on your rejected previous attempt: do better this time"),
  previous_attempt: z
    .object({
      number: z.number(),
      outcome: z.string(),
      result: z.string().nullable(),
      error: z.string().nullable(),
      feedback: z.string().nullable(),
    })
    .nullable()
    .describe(
      "The previous attempt when it did not stand (rejected, failed, e.g. a result that did not match the output schema, or timed out)",
    ),
});

function presentForAgent(a: Assignment): z.infer<typeof assignmentShape> {
  return {
    subtask_uuid: a.subtask_uuid,
    goal_id: a.goal_id,
    attempt: a.attempt,
    key: a.key,
    name: a.name,
    description: a.description,
    goal: a.goal,
    context: a.context,
    priority: a.priority,
    required_skills: a.required_skills,
    timeout_s: a.timeout_s,
    deadline_at: a.deadline_at,
    inputs: a.inputs,
    feedback: a.feedback ?? null,
    previous_attempt: a.previous_attempt ?? null,
  };
}

const counts = z.record(z.string(), z.number()).describe("Counts by status, with total");

export const TOOLS = [
  defineTool({
    name: "register_agent",
    title: "Register as an agent",
    description:
      "Register yourself in the distributed system with your skills. Do this once: the answer carries your agent token — keep it (e.g. as SWITCHYARD_AGENT_TOKEN) so you come back as the same agent, holding the same tasks, after a restart. Not needed when this server was started with a token.",
    inputSchema: {
      skills: z
        .array(skill)
        .max(64)
        .describe(
          'Your capabilities, e.g. ["data_analysis", "reporting", "coding"]; you get only tasks whose required skills you all have',
        ),
      name: z.string().min(1).max(200).optional().describe("A name shown in the dashboard"),
      capacity: z.number().int().min(1).max(100).optional().describe("How many tasks you take at once (default 1)"),
    },
    outputSchema: {
      agent_id: z.string(),
      name: z.string(),
      skills: z.array(z.string()),
      capacity: z.number(),
      token: z.string().describe("Your agent token: the Bearer token of every agent call"),
      token_saved_to: z.string().nullable().describe("The file the token was saved to, if any"),
      note: z.string(),
    },
    annotations: WRITE,
    run: async (args, { client, options, attempts, startHeartbeat }) => {
      const agent = await client.register({ skills: args.skills, name: args.name, capacity: args.capacity });
      attempts.clear();
      startHeartbeat();
      const saved = options.persistToken?.(agent.token) ?? null;
      const hint = options.tokenHint ?? "set SWITCHYARD_AGENT_TOKEN to it (or send it as the Bearer token)";
      return {
        agent_id: agent.agent_id,
        name: agent.name,
        skills: agent.skills,
        capacity: agent.capacity,
        token: agent.token,
        token_saved_to: saved,
        note: saved
          ? `Saved to ${saved}: a restart comes back as this agent.`
          : `Keep this token secret and ${hint} to come back as this agent; it is not shown again.`,
      };
    },
  }),

  defineTool({
    name: "decompose_goal",
    title: "Decompose a goal into subtasks",
    description: "Break a high-level goal into atomic subtasks (a DAG with dependencies) and submit it for execution by the agents.",
    inputSchema: {
      goal: z.string().min(1).max(10_000).describe("The high-level goal to decompose"),
      context: z.string().max(100_000).optional().describe("Additional context for better decomposition"),
      plan_markdown: z
        .string()
        .optional()
        .describe(
          "An explicit plan instead of automatic decomposition: seed 003's markdown table | Task ID | Task Name | Description | Dependencies | Priority |",
        ),
      plan: planInput
        .optional()
        .describe(
          "An explicit plan as JSON instead: {tasks: [{key, name, description?, required_skills?, priority?, depends_on?: [keys]}]}",
        ),
      planner: z
        .enum(["server", "agent"])
        .optional()
        .describe('"agent": one planning task (skill planning) that an agent answers with a spawn of the plan'),
      aggregation: z
        .enum(["concat", "json_merge", "json_array", "last", "agent"])
        .optional()
        .describe("How the results combine into the final output (default concat)"),
    },
    outputSchema: {
      goal_id: z.string().nullable(),
      template: z.string(),
      subtasks: z.array(
        z.object({
          subtask_uuid: z.string(),
          key: z.string(),
          name: z.string(),
          priority: z.string(),
          required_skills: z.array(z.string()),
          depends_on: z.array(z.string()),
          status: z.string(),
        }),
      ),
    },
    annotations: WRITE,
    run: async (args, { client }) => {
      const created = await client.decompose({
        goal: args.goal,
        context: args.context,
        plan_markdown: args.plan_markdown,
        plan: args.plan,
        planner: args.planner,
        aggregation: args.aggregation,
      });
      return {
        goal_id: created.goal_id,
        template: created.template,
        subtasks: created.subtasks.map((s) => ({
          subtask_uuid: s.uuid,
          key: s.key,
          name: s.name,
          priority: s.priority,
          required_skills: s.required_skills,
          depends_on: s.depends_on,
          status: s.status,
        })),
      };
    },
  }),

  defineTool({
    name: "assign_tasks",
    title: "Take tasks",
    description:
      "Request task assignment from the pool: returns the tasks now assigned to you (matching your skills and free capacity), each with its goal, attempt, timeout and the results of its dependencies as inputs. Do each, then mark_completed or mark_failed.",
    inputSchema: { max: z.number().int().min(1).max(100).optional().describe("At most this many tasks (default: your free capacity)") },
    outputSchema: { assignments: z.array(assignmentShape), message: z.string().optional() },
    annotations: WRITE,
    needsAgent: true,
    run: async (args, { client, attempts }) => {
      const { assignments } = await client.pull({ max: args.max });
      for (const a of assignments) attempts.set(a.subtask_uuid, a.attempt);
      if (assignments.length === 0)
        return { assignments: [], message: "No task is ready for your skills right now; try again later or check get_status." };
      return { assignments: assignments.map(presentForAgent) };
    },
  }),

  defineTool({
    name: "get_status",
    title: "System status",
    description: "Current orchestration system status: agents, tasks and goals counted by status.",
    outputSchema: { agents: counts, tasks: counts, goals: counts },
    annotations: READ,
    run: async (_args, { client }) => {
      const s = await client.status();
      return { agents: { ...s.agents }, tasks: { ...s.tasks }, goals: { ...s.goals } };
    },
  }),

  defineTool({
    name: "get_task_tensor",
    title: "Task tensor",
    description:
      "Tensor of the current task state T_task[n_tasks, n_agents, p_levels]: 1.0 where a task is held by an agent at its priority level, assignment probabilities for waiting tasks. Rows follow task_ids, columns agent_ids.",
    inputSchema: {
      goal_id: uuid("Only this goal's tasks (default: every open goal)").optional(),
      format: z
        .enum(["dense", "sparse"])
        .optional()
        .describe("dense (default): data[task][agent][level]; sparse: [task, agent, level, value] entries for the non-zero cells"),
    },
    outputSchema: {
      format: z.enum(["dense", "sparse"]),
      shape: z.array(z.number()).describe("[n_tasks, n_agents, 4]"),
      task_ids: z.array(z.string()),
      agent_ids: z.array(z.string()),
      data: z.array(z.array(z.array(z.number()))).optional(),
      entries: z.array(z.array(z.number())).optional(),
    },
    annotations: READ,
    run: async (args, { client }) => {
      const t =
        args.format === "sparse"
          ? await client.tensor({ goalId: args.goal_id, format: "sparse" })
          : await client.tensor({ goalId: args.goal_id });
      return { ...t };
    },
  }),

  defineTool({
    name: "mark_completed",
    title: "Complete a task",
    description: "Mark a subtask you were assigned as completed, with its result: the text the tasks depending on it receive as input.",
    inputSchema: {
      subtask_uuid: uuid("The subtask's subtask_uuid from assign_tasks"),
      result: z.string().max(1_048_576).describe("The result of the work (text, markdown or JSON as text)"),
      attempt: attemptInput,
      spawn: planInput
        .optional()
        .describe("New tasks after this one (keys local to the spawn, depends_on among them); for a planning task, the goal's plan"),
    },
    outputSchema: {
      subtask_uuid: z.string(),
      key: z.string(),
      status: z.string(),
      released: z.number().describe("Tasks that became ready because this one finished"),
    },
    annotations: { ...WRITE, idempotentHint: true },
    needsAgent: true,
    run: async (args, { client, attempts }) => {
      const done = await client.complete({
        subtask_uuid: args.subtask_uuid,
        result: args.result,
        attempt: args.attempt ?? attempts.get(args.subtask_uuid),
        ...(args.spawn ? { spawn: args.spawn } : {}),
      });
      attempts.delete(args.subtask_uuid);
      return { subtask_uuid: done.subtask.uuid, key: done.subtask.key, status: done.subtask.status, released: done.released.length };
    },
  }),

  defineTool({
    name: "mark_failed",
    title: "Fail a task",
    description:
      "Report that a subtask you were assigned failed; it is retried with backoff (maybe by another agent) while attempts remain.",
    inputSchema: {
      subtask_uuid: uuid("The subtask's subtask_uuid from assign_tasks"),
      error: z.string().min(1).max(65_536).describe("What went wrong, for the operator and the next attempt"),
      attempt: attemptInput,
    },
    outputSchema: { subtask_uuid: z.string(), key: z.string(), status: z.string(), next_attempt_at: z.string().nullable() },
    annotations: WRITE,
    needsAgent: true,
    run: async (args, { client, attempts }) => {
      const failed = await client.fail({
        subtask_uuid: args.subtask_uuid,
        error: args.error,
        attempt: args.attempt ?? attempts.get(args.subtask_uuid),
      });
      attempts.delete(args.subtask_uuid);
      return {
        subtask_uuid: failed.subtask.uuid,
        key: failed.subtask.key,
        status: failed.subtask.status,
        next_attempt_at: failed.subtask.next_attempt_at,
      };
    },
  }),

  defineTool({
    name: "update_heartbeat",
    title: "Heartbeat",
    description:
      "Signal that you are still active. This server also beats in the background while it runs; call it during long work over HTTP.",
    outputSchema: { agent_id: z.string(), status: z.string() },
    annotations: { ...WRITE, idempotentHint: true },
    needsAgent: true,
    run: async (_args, { client }) => {
      const beat = await client.heartbeat();
      return { agent_id: beat.agent_id, status: beat.status };
    },
  }),

  defineTool({
    name: "get_goal_result",
    title: "Goal result",
    description:
      "A goal's workflow result: status (running, complete, partial, failed, cancelled), the combined final output, steps completed and failed, total time, agents used.",
    inputSchema: { goal_id: uuid("The goal_id from decompose_goal") },
    outputSchema: {
      workflow_id: z.string(),
      goal: z.string(),
      status: z.string(),
      result: z.looseObject({ final_output: z.string() }).nullable(),
      steps_completed: z.number(),
      steps_failed: z.number(),
      steps_skipped: z.number(),
      steps_total: z.number(),
      total_time_ms: z.number(),
      agents_used: z.array(z.string()),
      failures: z.array(z.looseObject({ key: z.string(), error: z.string().nullable() })),
    },
    annotations: READ,
    run: async (args, { client }) => {
      const r = await client.result(args.goal_id);
      return {
        workflow_id: r.workflow_id,
        goal: r.goal,
        status: r.status,
        result: r.result,
        steps_completed: r.steps_completed,
        steps_failed: r.steps_failed,
        steps_skipped: r.steps_skipped,
        steps_total: r.steps_total,
        total_time_ms: r.total_time_ms,
        agents_used: r.agents_used,
        failures: r.failures,
      };
    },
  }),

  // Operators step in (issue 10): decisions at an approval gate. Operator calls: the client needs the operator token.
  defineTool({
    name: "approve_task",
    title: "Approve a task",
    description:
      "Approve a task that awaits approval (status awaiting_approval): it completes and its dependents run. Pass result to replace the agent's result with an edited one: dependents and the goal's result get the edit, the agent's original stays in the attempt history.",
    inputSchema: {
      subtask_uuid: uuid("The task awaiting approval"),
      result: z.string().max(1_048_576).optional().describe("An edited result to use instead of the agent's"),
    },
    outputSchema: { subtask_uuid: z.string(), key: z.string(), status: z.string(), edited: z.boolean(), released: z.array(z.string()) },
    annotations: WRITE,
    run: async (args, { client }) => {
      const r = await client.approveTask(args.subtask_uuid, args.result === undefined ? {} : { result: args.result });
      return { subtask_uuid: r.subtask.uuid, key: r.subtask.key, status: r.subtask.status, edited: r.edited, released: r.released };
    },
  }),

  defineTool({
    name: "reject_task",
    title: "Reject a task",
    description:
      "Reject a task that awaits approval: its attempt ends rejected and a new attempt is queued; that attempt is handed your feedback and the rejected result, so the agent can do better.",
    inputSchema: {
      subtask_uuid: uuid("The task awaiting approval"),
      feedback: z.string().min(1).max(65_536).describe("What to do better, for the next attempt"),
    },
    outputSchema: { subtask_uuid: z.string(), key: z.string(), status: z.string(), rejected_attempt: z.number() },
    annotations: WRITE,
    run: async (args, { client }) => {
      const r = await client.rejectTask(args.subtask_uuid, { feedback: args.feedback });
      return { subtask_uuid: r.subtask.uuid, key: r.subtask.key, status: r.subtask.status, rejected_attempt: r.rejected_attempt };
    },
  }),
];

/** Compact JSON (one line, no indentation: the dense tensor is not one number per line). */
function ok(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value as Record<string, unknown> };
}

/** Tries of a call the server refused as transient (503, 429, 409 concurrent_update), and the longest wait between them. */
const TRANSIENT_TRIES = 3;
const TRANSIENT_MAX_WAIT_MS = 3000;

function failure(error: unknown): CallToolResult {
  const transient =
    error instanceof ApiError && error.isTransient
      ? ` (temporary: try again${error.retryAfterMs ? ` in ${Math.ceil(error.retryAfterMs / 1000)} s` : " shortly"})`
      : "";
  const text =
    error instanceof ApiError
      ? `${error.code} (${error.status}): ${error.message}${error.field ? ` [field: ${error.field}]` : ""}${transient}`
      : error instanceof Error
        ? error.message
        : String(error);
  return { isError: true, content: [{ type: "text", text }] };
}

export function createSwitchyardMcpServer(options: SwitchyardMcpOptions): { server: McpServer; close: () => void } {
  const { client } = options;
  const server = new McpServer(
    { name: "switchyard", version: "0.1.0" },
    {
      instructions:
        "Distributed task orchestration: register_agent first (unless started with a token) and keep the token it returns; then assign_tasks, do the work, mark_completed; update_heartbeat during long work.",
    },
  );
  let heartbeat: NodeJS.Timeout | undefined;
  const ctx: ToolContext = {
    client,
    options,
    attempts: new Map(),
    startHeartbeat: () => {
      clearInterval(heartbeat);
      if (!options.autoHeartbeatMs || !client.agentToken) return;
      heartbeat = setInterval(() => void client.heartbeat().catch(() => undefined), options.autoHeartbeatMs);
      heartbeat.unref();
    },
  };
  ctx.startHeartbeat();

  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: unknown) => {
        if (tool.needsAgent && !client.agentId)
          return failure(new Error("not registered: call register_agent first (or start this server with SWITCHYARD_AGENT_TOKEN)"));
        // A database outage (503), a rate limit (429) or a concurrency abort (409) applied
        // nothing: the call is tried again a few times, as the server's Retry-After asks,
        // before the tool reports it (as transient) to the model.
        for (let attempt = 1; ; attempt++) {
          try {
            return ok(await tool.run((args ?? {}) as never, ctx));
          } catch (error) {
            if (!(error instanceof ApiError) || !error.isSafeToRetry || attempt >= TRANSIENT_TRIES) return failure(error);
            await new Promise((r) => setTimeout(r, Math.min(error.retryAfterMs ?? 1000, TRANSIENT_MAX_WAIT_MS)));
          }
        }
      },
    );
  }

  return { server, close: () => clearInterval(heartbeat) };
}
