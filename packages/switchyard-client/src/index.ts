// The typed Switchyard client: fetch only (no Node-only APIs), so a browser, a worker
// process, the MCP server and tests all use the same calls. Every non-2xx answer is
// thrown as an ApiError with the server's {code, message, field}; a server that cannot
// be reached is an ApiError with status 0 and code "network_error".
import type * as T from "./types.js";

export type * from "./types.js";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  /** From a Retry-After header (429, 503): how long the server asks us to wait. */
  readonly retryAfterMs?: number;

  constructor(status: number, code: string, message: string, field?: string, retryAfterMs?: number) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterMs = retryAfterMs;
  }

  /** The server was unreachable, answered 5xx/429, or aborted on a concurrent update: worth trying again later. */
  get isTransient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500 || this.code === "concurrent_update";
  }

  /** The database is unavailable (503 `unavailable`, with Retry-After): transient, nothing was applied. */
  get isUnavailable(): boolean {
    return this.status === 503 || this.code === "unavailable";
  }

  /**
   * The server said it applied nothing and the same request may be sent again: 503
   * unavailable, 429 rate limited, 409 concurrent_update. (Unlike a network error or a
   * 500, where a write may or may not have happened.)
   */
  get isSafeToRetry(): boolean {
    return this.isUnavailable || this.status === 429 || this.code === "concurrent_update";
  }
}

export interface ClientOptions {
  /** e.g. http://localhost:3000 (no trailing /api) */
  baseUrl: string;
  /** Agent token `<agent_id>.<secret>` for agent calls (set by register()). */
  agentToken?: string;
  /** The agent's id (set by register()). */
  agentId?: string;
  /** SWITCHYARD_OPERATOR_TOKEN for operator calls, when the server has one. */
  operatorToken?: string;
  /** SWITCHYARD_REGISTRATION_TOKEN for register(), when the server has one. */
  registrationToken?: string;
  fetch?: typeof fetch;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

type Auth = "agent" | "operator" | "registration" | "none";

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  auth?: Auth;
}

export class SwitchyardClient {
  readonly baseUrl: string;
  agentId?: string;
  agentToken?: string;
  operatorToken?: string;
  registrationToken?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.agentId = options.agentId ?? (options.agentToken ? options.agentToken.split(".")[0] : undefined);
    this.agentToken = options.agentToken;
    this.operatorToken = options.operatorToken;
    this.registrationToken = options.registrationToken;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private async send(path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json" };
    const token =
      options.auth === "agent"
        ? this.agentToken
        : options.auth === "operator"
          ? this.operatorToken
          : options.auth === "registration"
            ? (this.registrationToken ?? this.operatorToken)
            : undefined;
    if (options.auth === "agent" && !token)
      throw new ApiError(401, "unauthorized", "this client has no agent token: call register() first or pass agentToken");
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: options.method ?? (body ? "POST" : "GET"),
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError(0, "network_error", `cannot reach ${this.baseUrl}: ${reason}`);
    }
    if (!res.ok) throw await toApiError(res);
    return res;
  }

  private async json<R>(path: string, options: RequestOptions = {}): Promise<R> {
    const res = await this.send(path, options);
    return (await res.json()) as R;
  }

  // ── Agent lifecycle (seed 001) ────────────────────────────────────────────────
  /** Registers an agent and keeps its id and token on this client. */
  async register(body: T.RegisterRequest): Promise<T.RegisterResponse> {
    const res = await this.json<T.RegisterResponse>("/api/orchestration/register", { body, auth: "registration" });
    this.agentId = res.agent_id;
    this.agentToken = res.token;
    return res;
  }

  heartbeat(agentId = this.requireAgentId()): Promise<T.HeartbeatResponse> {
    return this.json("/api/orchestration/heartbeat", { body: { agent_id: agentId }, auth: "agent" });
  }

  unregister(agentId = this.requireAgentId()): Promise<T.UnregisterResponse> {
    return this.json("/api/orchestration/unregister", { body: { agent_id: agentId }, auth: "agent" });
  }

  /** The agent pulls up to `max` tasks (default: its free capacity). */
  pull(options: { max?: number } = {}): Promise<T.AssignResponse> {
    return this.json("/api/orchestration/assign", { body: { agent_id: this.requireAgentId(), max: options.max }, auth: "agent" });
  }

  /** POST /api/orchestration/assign: with agent_id an agent pull, without it the operator's assignment across all agents. */
  assign(body: T.AssignRequest = {}): Promise<T.AssignResponse> {
    return this.json("/api/orchestration/assign", { body, auth: body.agent_id ? "agent" : "operator" });
  }

  complete(body: T.CompleteRequest): Promise<T.CompleteResponse> {
    return this.json("/api/orchestration/complete", { body, auth: "agent" });
  }

  fail(body: T.FailRequest): Promise<T.FailResponse> {
    return this.json("/api/orchestration/fail", { body, auth: "agent" });
  }

  /** The running attempt's progress, message, output to append and usage to add (409 once superseded). */
  progress(body: T.ProgressRequest): Promise<T.ProgressResponse> {
    return this.json("/api/orchestration/progress", { body, auth: "agent" });
  }

  // ── Goals ────────────────────────────────────────────────────────────────────
  decompose(body: T.DecomposeRequest): Promise<T.DecomposeResponse> {
    return this.json("/api/orchestration/decompose", { body, auth: "operator" });
  }

  createGoal(body: T.DecomposeRequest): Promise<T.DecomposeResponse> {
    return this.json("/api/goals", { body, auth: "operator" });
  }

  async goals(query: T.GoalsQuery = {}): Promise<T.GoalSummary[]> {
    return (await this.json<{ goals: T.GoalSummary[] }>("/api/goals", { query, auth: "operator" })).goals;
  }

  goal(id: string): Promise<T.GoalDetail> {
    return this.json(`/api/goals/${encodeURIComponent(id)}`, { auth: "operator" });
  }

  /** Seed 002's workflow result of a goal. */
  result(id: string): Promise<T.WorkflowResult> {
    return this.json(`/api/goals/${encodeURIComponent(id)}/result`, { auth: "operator" });
  }

  /** Seed 003's markdown master plan of a goal. */
  async planMarkdown(id: string): Promise<string> {
    return (await this.send(`/api/goals/${encodeURIComponent(id)}/plan.md`, { auth: "operator" })).text();
  }

  cancelGoal(id: string): Promise<T.CancelGoalResponse> {
    return this.json(`/api/goals/${encodeURIComponent(id)}/cancel`, { method: "POST", auth: "operator" });
  }

  // ── Webhooks (operator) ──────────────────────────────────────────────────────
  createWebhook(body: T.CreateWebhookRequest): Promise<T.CreatedWebhook> {
    return this.json("/api/webhooks", { method: "POST", body, auth: "operator" });
  }

  async webhooks(): Promise<T.Webhook[]> {
    return (await this.json<{ webhooks: T.Webhook[] }>("/api/webhooks", { auth: "operator" })).webhooks;
  }

  deleteWebhook(id: string): Promise<{ deleted: string }> {
    return this.json(`/api/webhooks/${encodeURIComponent(id)}`, { method: "DELETE", auth: "operator" });
  }

  /** Queues a signed test delivery (event type webhook.test). */
  testWebhook(id: string): Promise<{ event_id: string; delivery_id: number }> {
    return this.json(`/api/webhooks/${encodeURIComponent(id)}/test`, { method: "POST", auth: "operator" });
  }

  async webhookDeliveries(
    id: string,
    query: { limit?: number; status?: "pending" | "delivered" | "failed" } = {},
  ): Promise<T.WebhookDelivery[]> {
    return (
      await this.json<{ deliveries: T.WebhookDelivery[] }>(`/api/webhooks/${encodeURIComponent(id)}/deliveries`, {
        query,
        auth: "operator",
      })
    ).deliveries;
  }

  // ── Tasks (operator) ─────────────────────────────────────────────────────────
  task(id: string): Promise<T.SubtaskDetail> {
    return this.json(`/api/tasks/${encodeURIComponent(id)}`, { auth: "operator" });
  }

  /** A failed, cancelled or skipped task runs again. */
  retryTask(id: string): Promise<T.RetryTaskResponse> {
    return this.json(`/api/tasks/${encodeURIComponent(id)}/retry`, { method: "POST", auth: "operator" });
  }

  /** A pending, retrying or running task goes to the chosen live, capable agent. */
  reassignTask(id: string, body: { agent_id: string }): Promise<T.ReassignTaskResponse> {
    return this.json(`/api/tasks/${encodeURIComponent(id)}/reassign`, { body, auth: "operator" });
  }

  /** An open task is cancelled and everything downstream of it skipped. */
  cancelTask(id: string): Promise<T.CancelTaskResponse> {
    return this.json(`/api/tasks/${encodeURIComponent(id)}/cancel`, { method: "POST", auth: "operator" });
  }

  // ── Operators step in (issue 10) ────────────────────────────────────────────
  /** A task awaiting approval completes; with `result`, the edited result is what its dependents get. */
  approveTask(id: string, body: { result?: string | Record<string, unknown> | unknown[] } = {}): Promise<T.ApproveTaskResponse> {
    return this.json(`/api/tasks/${encodeURIComponent(id)}/approve`, { body, auth: "operator" });
  }

  /** A task awaiting approval is rejected; its next attempt is handed the feedback and the rejected result. */
  rejectTask(id: string, body: { feedback: string }): Promise<T.RejectTaskResponse> {
    return this.json(`/api/tasks/${encodeURIComponent(id)}/reject`, { body, auth: "operator" });
  }

  /** A finished task and everything downstream of it run again (optionally with a new description). */
  rerunTask(id: string, body: { description?: string } = {}): Promise<T.RerunTaskResponse> {
    return this.json(`/api/tasks/${encodeURIComponent(id)}/rerun`, { body, auth: "operator" });
  }

  /** Retry, cancel, reassign or re-run every task matching a filter (dry_run: only count them). */
  bulkTasks(body: T.BulkTasksRequest): Promise<T.BulkTasksResponse> {
    return this.json("/api/tasks/bulk", { body, auth: "operator" });
  }

  /** The goal gets no new assignments until resumed (running attempts finish and report). */
  pauseGoal(id: string): Promise<T.PauseGoalResponse> {
    return this.json(`/api/goals/${encodeURIComponent(id)}/pause`, { method: "POST", auth: "operator" });
  }

  /** Changes the goal's budget; a goal paused for its budget resumes once its usage is within it. */
  updateGoalBudget(id: string, budget: T.Budget): Promise<T.GoalDetail> {
    return this.json(`/api/goals/${encodeURIComponent(id)}`, { method: "PATCH", body: { budget }, auth: "operator" });
  }

  resumeGoal(id: string): Promise<T.ResumeGoalResponse> {
    return this.json(`/api/goals/${encodeURIComponent(id)}/resume`, { method: "POST", auth: "operator" });
  }

  /** The agent pulls no new work (what it runs finishes); operator assignment skips it. */
  drainAgent(id: string): Promise<{ agent: T.AgentView }> {
    return this.json(`/api/agents/${encodeURIComponent(id)}/drain`, { method: "POST", auth: "operator" });
  }

  undrainAgent(id: string): Promise<{ agent: T.AgentView }> {
    return this.json(`/api/agents/${encodeURIComponent(id)}/undrain`, { method: "POST", auth: "operator" });
  }

  /** One page of goals (text search over goal and context, status filter), with the cursor of the next. */
  goalPage(query: T.GoalsQuery = {}): Promise<T.GoalPage> {
    return this.json("/api/goals", { query, auth: "operator" });
  }

  // ── Reads ────────────────────────────────────────────────────────────────────
  status(): Promise<T.StatusResponse> {
    return this.json("/api/orchestration/status", { auth: "operator" });
  }

  async agents(): Promise<T.AgentView[]> {
    return (await this.json<{ agents: T.AgentView[] }>("/api/agents", { auth: "operator" })).agents;
  }

  tensor(options?: { goalId?: string; format?: "dense" }): Promise<T.DenseTensor>;
  tensor(options: { goalId?: string; format: "sparse" }): Promise<T.SparseTensorResponse>;
  tensor(options: { goalId?: string; format: "binary" }): Promise<T.BinaryTensor>;
  async tensor(
    options: { goalId?: string; format?: "dense" | "sparse" | "binary" } = {},
  ): Promise<T.DenseTensor | T.SparseTensorResponse | T.BinaryTensor> {
    const query = { goal_id: options.goalId, format: options.format ?? "dense" };
    if (options.format !== "binary") return this.json("/api/orchestration/tensor", { query, auth: "operator" });
    const res = await this.send("/api/orchestration/tensor", { query, auth: "operator" });
    const shape = (res.headers.get("x-tensor-shape") ?? "0,0,4").split(",").map(Number) as [number, number, number];
    return { format: "binary", shape, data: new Float32Array(await res.arrayBuffer()) };
  }

  events(query: T.EventsQuery = {}): Promise<T.EventsResponse> {
    return this.json("/api/events", { query: { ...query }, auth: "operator" });
  }

  health(): Promise<{ status: string; time: string }> {
    return this.json("/api/health", { auth: "none" });
  }

  openapi(): Promise<Record<string, unknown>> {
    return this.json("/api/openapi.json", { auth: "none" });
  }

  private requireAgentId(): string {
    if (!this.agentId) throw new ApiError(401, "unauthorized", "this client has no agent id: call register() first or pass agentId");
    return this.agentId;
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  const retryAfterS = Number(res.headers.get("retry-after"));
  const retryAfterMs = Number.isFinite(retryAfterS) && retryAfterS > 0 ? retryAfterS * 1000 : undefined;
  try {
    const parsed = JSON.parse(text) as Partial<T.ErrorBody>;
    if (parsed.error && typeof parsed.error.code === "string") {
      return new ApiError(res.status, parsed.error.code, parsed.error.message ?? res.statusText, parsed.error.field, retryAfterMs);
    }
  } catch {
    // not JSON
  }
  return new ApiError(
    res.status,
    res.status >= 500 ? "internal" : "http_error",
    `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`,
    undefined,
    retryAfterMs,
  );
}
