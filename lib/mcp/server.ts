// Seed 000's "distributed_orchestration" tools as an MCP server, over the REST API via the
// typed client: register_agent, decompose_goal, assign_tasks, get_status, get_task_tensor,
// mark_completed, update_heartbeat (plus mark_failed and get_goal_result). After
// register_agent the server remembers the agent's id and token, and keeps it alive with
// a background heartbeat while the process runs.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ApiError, SwitchyardClient, type Assignment } from "switchyard-client";

export interface SwitchyardMcpOptions {
  client: SwitchyardClient;
  /** Background heartbeat after register_agent (0 = only when the agent calls update_heartbeat). */
  autoHeartbeatMs?: number;
}

function ok(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: typeof value === "string" ? value : JSON.stringify(value, null, 2) }] };
}

function failure(error: unknown): CallToolResult {
  const text =
    error instanceof ApiError
      ? `${error.code} (${error.status}): ${error.message}${error.field ? ` [field: ${error.field}]` : ""}`
      : error instanceof Error
        ? error.message
        : String(error);
  return { isError: true, content: [{ type: "text", text }] };
}

const skill = z.string().min(1).max(64);

export function createSwitchyardMcpServer(options: SwitchyardMcpOptions): { server: McpServer; close: () => void } {
  const { client } = options;
  const server = new McpServer({ name: "switchyard", version: "0.1.0" }, { instructions: "Distributed task orchestration: register_agent first, then assign_tasks, do the work, mark_completed; update_heartbeat during long work." });
  /** Attempt number of each task this agent holds, so completions are fenced to it. */
  const attempts = new Map<string, number>();
  let heartbeat: NodeJS.Timeout | undefined;

  const run = (fn: () => Promise<unknown>) => async (): Promise<CallToolResult> => {
    try {
      return ok(await fn());
    } catch (error) {
      return failure(error);
    }
  };
  const requireRegistered = () => {
    if (!client.agentId) throw new Error("not registered: call register_agent first");
  };

  server.registerTool(
    "register_agent",
    {
      description: "Register yourself in the distributed system with your skills. Do this first; the server remembers your agent id.",
      inputSchema: {
        skills: z.array(skill).max(64).describe('Your capabilities, e.g. ["data_analysis", "reporting", "coding"]'),
        name: z.string().min(1).max(200).optional().describe("A name shown in the dashboard"),
        capacity: z.number().int().min(1).max(100).optional().describe("How many tasks you take at once (default 1)"),
      },
    },
    async (args) =>
      run(async () => {
        const agent = await client.register({ skills: args.skills, name: args.name, capacity: args.capacity });
        attempts.clear();
        clearInterval(heartbeat);
        if (options.autoHeartbeatMs) {
          heartbeat = setInterval(() => void client.heartbeat().catch(() => undefined), options.autoHeartbeatMs);
          heartbeat.unref();
        }
        return { agent_id: agent.agent_id, name: agent.name, skills: agent.skills, capacity: agent.capacity };
      })(),
  );

  server.registerTool(
    "decompose_goal",
    {
      description: "Break a high-level goal into atomic subtasks (a DAG) and submit it for execution.",
      inputSchema: {
        goal: z.string().min(1).max(10_000).describe("The high-level goal to decompose"),
        context: z.string().max(100_000).optional().describe("Additional context for better decomposition"),
        plan_markdown: z.string().optional().describe("Optional explicit plan: a markdown table | Task ID | Task Name | Description | Dependencies | Priority |"),
      },
    },
    async (args) =>
      run(async () => {
        const created = await client.decompose({ goal: args.goal, context: args.context, plan_markdown: args.plan_markdown });
        return {
          goal_id: created.goal_id,
          template: created.template,
          subtasks: created.subtasks.map((s) => ({ subtask_uuid: s.uuid, key: s.key, name: s.name, priority: s.priority, required_skills: s.required_skills, depends_on: s.depends_on, status: s.status })),
        };
      })(),
  );

  server.registerTool(
    "assign_tasks",
    {
      description: "Request task assignment from the pool: returns the tasks now assigned to you (matching your skills and free capacity), with the results of their dependencies as inputs.",
      inputSchema: { max: z.number().int().min(1).max(100).optional().describe("At most this many tasks (default: your free capacity)") },
    },
    async (args) =>
      run(async () => {
        requireRegistered();
        const { assignments } = await client.pull({ max: args.max });
        for (const a of assignments) attempts.set(a.subtask_uuid, a.attempt);
        if (assignments.length === 0) return { assignments: [], message: "No task is ready for your skills right now; try again later or check get_status." };
        return { assignments: assignments.map(presentForAgent) };
      })(),
  );

  server.registerTool("get_status", { description: "Current orchestration system status: agents, tasks and goals by status." }, async () => run(() => client.status())());

  server.registerTool(
    "get_task_tensor",
    {
      description: "Tensor of the current task state T_task[n_tasks, n_agents, p_levels]: 1.0 where a task is held by an agent at its priority level, assignment probabilities for waiting tasks.",
      inputSchema: {
        goal_id: z.string().uuid().optional().describe("Only this goal's tasks (default: every open goal)"),
        format: z.enum(["dense", "sparse"]).optional().describe("dense (default) or sparse [task, agent, level, value] entries"),
      },
    },
    async (args) => run(() => (args.format === "sparse" ? client.tensor({ goalId: args.goal_id, format: "sparse" }) : client.tensor({ goalId: args.goal_id })))(),
  );

  server.registerTool(
    "mark_completed",
    {
      description: "Mark a subtask you were assigned as completed, with a clear description of the result.",
      inputSchema: {
        subtask_uuid: z.string().uuid().describe("UUID of the completed subtask"),
        result: z.string().max(1_048_576).describe("Description of the completion result"),
      },
    },
    async (args) =>
      run(async () => {
        requireRegistered();
        const done = await client.complete({ subtask_uuid: args.subtask_uuid, result: args.result, attempt: attempts.get(args.subtask_uuid) });
        attempts.delete(args.subtask_uuid);
        return { subtask_uuid: done.subtask.uuid, key: done.subtask.key, status: done.subtask.status, released: done.released.length };
      })(),
  );

  server.registerTool(
    "mark_failed",
    {
      description: "Report that a subtask you were assigned failed; it is retried with backoff while attempts remain.",
      inputSchema: { subtask_uuid: z.string().uuid(), error: z.string().min(1).max(65_536).describe("What went wrong") },
    },
    async (args) =>
      run(async () => {
        requireRegistered();
        const failed = await client.fail({ subtask_uuid: args.subtask_uuid, error: args.error, attempt: attempts.get(args.subtask_uuid) });
        attempts.delete(args.subtask_uuid);
        return { subtask_uuid: failed.subtask.uuid, key: failed.subtask.key, status: failed.subtask.status, next_attempt_at: failed.subtask.next_attempt_at };
      })(),
  );

  server.registerTool("update_heartbeat", { description: "Signal that you are still active (during long-running tasks)." }, async () =>
    run(async () => {
      requireRegistered();
      return client.heartbeat();
    })(),
  );

  server.registerTool(
    "get_goal_result",
    { description: "A goal's workflow result: status (running, complete, partial, failed), combined result, steps completed and failed, total time, agents used.", inputSchema: { goal_id: z.string().uuid() } },
    async (args) => run(() => client.result(args.goal_id))(),
  );

  return { server, close: () => clearInterval(heartbeat) };
}

function presentForAgent(a: Assignment) {
  return {
    subtask_uuid: a.subtask_uuid,
    key: a.key,
    name: a.name,
    description: a.description,
    goal: a.goal,
    context: a.context,
    priority: a.priority,
    required_skills: a.required_skills,
    deadline_at: a.deadline_at,
    inputs: a.inputs,
  };
}
