// The OpenAPI 3.1 document of the HTTP API. Nothing here is kept by hand twice:
//   - the operations, their methods and summaries: the route files (lib/api/route-table.ts,
//     generated from app/api/**/route.ts and their `// METHOD /path – what` lines);
//   - auth, request bodies, queries and path parameters: the spec each handler was
//     declared with (lib/api/handler.ts attaches it), the same zod schemas it validates with;
//   - responses: the zod schemas of lib/api/schemas/responses.ts (lib/api/openapi-operations.ts
//     says which operation answers which), and the statuses every operation of a kind can
//     answer (below). lib/api/contract.test.ts checks real answers against this document.
import { z } from "zod";
import type { HandlerSpec, RouteHandler } from "@/lib/api/handler";
import { OPERATIONS, type OperationDoc } from "@/lib/api/openapi-operations";
import { ROUTE_TABLE, type OperationKey } from "@/lib/api/route-table";
import { errorResponse } from "@/lib/api/schemas/responses";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from "@/lib/domain";

type Auth = NonNullable<HandlerSpec["auth"]>;

export interface Operation {
  key: OperationKey;
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  auth: Auth;
  spec: HandlerSpec;
  doc: OperationDoc;
}

/** Every operation of the API, from the route table (the catch-all 404 excluded). */
export function operations(): Operation[] {
  return ROUTE_TABLE.filter((route) => !route.catchAll).flatMap((route) =>
    route.methods.map((method) => {
      const key = `${method} ${route.path}` as OperationKey;
      const handler = (route.module as unknown as Record<string, RouteHandler>)[method]!;
      const summary = (route.summaries as Partial<Record<string, string>>)[method] ?? "";
      return {
        key,
        method: method.toLowerCase() as Operation["method"],
        path: route.path,
        summary: summary.charAt(0).toUpperCase() + summary.slice(1),
        auth: handler.spec.auth ?? "operator",
        spec: handler.spec,
        doc: OPERATIONS[key],
      };
    }),
  );
}

function inputSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

const SCHEMA_REF = (id: string) => `#/components/schemas/${id}`;

/** A response schema: a $ref to its component (every response schema has an id, `.meta({ id })`). */
function outputSchema(schema: z.ZodType): Record<string, unknown> {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error("a response schema without .meta({ id }): give it one in lib/api/schemas/responses.ts");
  return { $ref: SCHEMA_REF(id) };
}

/** Every response schema with an id, as components (refs between them resolved to components). */
function componentSchemas(): Record<string, unknown> {
  const all = z.toJSONSchema(z.globalRegistry, { io: "output", unrepresentable: "any", uri: SCHEMA_REF, target: "draft-2020-12" }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  return Object.fromEntries(
    Object.entries(all.schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, { $schema: _ignored, $id: _uri, id: _id, ...rest }]) => [id, rest]),
  );
}

const retryAfter = {
  "retry-after": { description: "Seconds to wait before sending the request again", schema: { type: "integer", minimum: 0 } },
};

const error = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: { $ref: SCHEMA_REF("Error") } } },
});

/** The error statuses an operation can answer: those of its kind, plus its own (OperationDoc.errors). */
function errorResponses(op: Operation): Record<string, unknown> {
  const takesInput = Boolean(op.spec.body || op.spec.query || op.doc.requestBody);
  const hasBody = Boolean(op.spec.body || op.doc.requestBody);
  const agentCalls = op.auth === "agent" || op.auth === "custom";
  const own = op.doc.errors ?? {};
  const out: Record<string, unknown> = {};
  if (takesInput || own[400]) out["400"] = error(own[400] ?? "Invalid input: `message` and `field` name the problem");
  if (op.auth !== "public" || own[401])
    out["401"] = error(own[401] ?? (op.auth === "agent" ? "Missing or wrong agent token" : "Missing or wrong operator token"));
  const writes = op.method !== "get";
  if (agentCalls || writes || own[403]) {
    const why = [
      own[403],
      agentCalls ? "an agent acting for another agent, or on a task it does not hold" : undefined,
      writes ? "a browser sending it from another origin" : undefined,
    ]
      .filter(Boolean)
      .join("; ");
    out["403"] = error(why.charAt(0).toUpperCase() + why.slice(1));
  }
  if (op.spec.params || own[404]) out["404"] = error(own[404] ?? "No such resource (an id that is not a UUID names nothing either)");
  out["421"] = error("Misdirected: the Host header does not name this server (ALLOWED_HOSTS)");
  if (writes || own[409]) {
    out["409"] = error(
      own[409]
        ? `${own[409]}; or concurrent_update: the request collided with a concurrent change, nothing was written, send it again`
        : "concurrent_update: the request collided with a concurrent change, nothing was written, send it again",
      retryAfter,
    );
  }
  if (hasBody) {
    out["413"] = error("The request body is over MAX_BODY_BYTES");
    out["415"] = error("The request body is not application/json");
  }
  if (agentCalls)
    out["429"] = error("This agent is over its request rate, or its address has failed to authenticate too often", retryAfter);
  else if (op.auth !== "public")
    out["429"] = error("This address has failed to authenticate too often (wrong tokens); nothing was compared", retryAfter);
  out["500"] = error("Internal error (no details are given)");
  out["503"] = error("The database is unreachable; try again", retryAfter);
  return out;
}

function successResponses(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of op.doc.success) {
    const content = Object.fromEntries(
      Object.entries(s.content).map(([mediaType, body]) => [
        mediaType,
        {
          schema:
            body === "text"
              ? { type: "string" }
              : body === "binary"
                ? { type: "string", contentMediaType: mediaType }
                : outputSchema(body!),
        },
      ]),
    );
    out[String(s.status)] = {
      description: s.description,
      ...(s.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(s.headers).map(([name, h]) => [
                name,
                { description: h.description, required: h.required ?? false, schema: h.schema },
              ]),
            ),
          }
        : {}),
      ...(Object.keys(content).length > 0 ? { content } : {}),
    };
  }
  return out;
}

function parameters(op: Operation): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const [where, schema] of [
    ["path", op.spec.params],
    ["query", op.spec.query],
  ] as const) {
    if (!schema) continue;
    const json = inputSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === "path" || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

function requestBody(op: Operation): Record<string, unknown> | undefined {
  if (op.doc.requestBody) {
    const schema = inputSchema(op.doc.requestBody.schema);
    return {
      required: op.doc.requestBody.required,
      content: Object.fromEntries(op.doc.requestBody.mediaTypes.map((m) => [m, { schema }])),
    };
  }
  if (!op.spec.body) return undefined;
  const schema = inputSchema(op.spec.body) as { required?: string[] };
  return { required: (schema.required ?? []).length > 0, content: { "application/json": { schema } } };
}

const SECURITY: Record<Auth, Array<Record<string, string[]>>> = {
  public: [],
  // Without an operator token configured the server asks for none ({}).
  operator: [{ operatorToken: [] }, {}],
  agent: [{ agentToken: [] }],
  custom: [{ agentToken: [] }, { operatorToken: [] }, { registrationToken: [] }, {}],
};

export function buildOpenApiDocument(serverUrl = "/"): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations()) {
    const body = requestBody(op);
    (paths[op.path] ??= {})[op.method] = {
      operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: op.summary,
      tags: [op.doc.tag],
      security: SECURITY[op.auth],
      parameters: parameters(op),
      ...(body ? { requestBody: body } : {}),
      responses: { ...successResponses(op), ...errorResponses(op) },
    };
  }
  // Keep the error schema registered even when no response module imported it first.
  void errorResponse;
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version: "0.1.0",
      description: "Orchestrates a DAG of subtasks across a pool of agents. Errors are always {error: {code, message, field?}}.",
      license: { name: "UNLICENSED", identifier: "UNLICENSED" },
    },
    servers: [{ url: serverUrl, description: "This server" }],
    tags: [
      { name: "goals", description: "Goals and their DAGs" },
      { name: "tasks", description: "Subtasks: pulling, reporting, operator actions" },
      { name: "agents", description: "The agent pool" },
      { name: "status", description: "Counts, metrics, the tensor, this document" },
      { name: "events", description: "The event log" },
      { name: "session", description: "The operator's browser session" },
      { name: "webhooks", description: "Signed webhooks: registration, test deliveries and the delivery log" },
    ],
    paths,
    webhooks: webhookDeliveryDocs(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        agentToken: { type: "http", scheme: "bearer", description: "The token from /api/orchestration/register (`<agent_id>.<secret>`)" },
        operatorToken: {
          type: "http",
          scheme: "bearer",
          description: "SWITCHYARD_OPERATOR_TOKEN, when the server has one (or the sign-in cookie)",
        },
        registrationToken: {
          type: "http",
          scheme: "bearer",
          description: "SWITCHYARD_REGISTRATION_TOKEN, when the server has one (registration only)",
        },
      },
    },
  };
}

/** What Switchyard POSTs to a registered webhook, one entry per event type (OpenAPI 3.1 `webhooks`). */
function webhookDeliveryDocs(): Record<string, unknown> {
  const header = (name: string, description: string, example: string) => ({
    name,
    in: "header",
    required: true,
    description,
    schema: { type: "string" },
    example,
  });
  const parameters = [
    header(
      "Switchyard-Signature",
      '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook\'s secret>`; refuse an old t to refuse replays',
      "t=1764579600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
    ),
    header(
      "Switchyard-Event-Id",
      "The event's id (its seq in the log; test_<uuid> for a test delivery): the same on every retry, so a receiver drops repeats",
      "4711",
    ),
    header("Switchyard-Event", "The event type", "goal.finished"),
  ];
  const body = {
    type: "object",
    required: ["id", "type", "created_at", "data"],
    properties: {
      id: { type: "string", description: "the event id, as in Switchyard-Event-Id" },
      type: { type: "string" },
      event_type: { type: "string", description: "the log's own type (task.timed_out for a timeout that failed a task)" },
      created_at: { type: "string", format: "date-time" },
      goal_id: { type: ["string", "null"] },
      subtask_id: { type: ["string", "null"] },
      agent_id: { type: ["string", "null"] },
      actor: { type: "string" },
      data: {
        type: "object",
        additionalProperties: true,
        description: "goal.finished: {status: complete | partial | failed | cancelled, steps_completed, steps_failed}",
      },
    },
  };
  return Object.fromEntries(
    [...WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT].map((type) => [
      type,
      {
        post: {
          operationId: `webhook${type.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")).replace(/^./, (c) => c.toUpperCase())}`,
          summary: `${type}: a signed JSON POST, delivered at least once`,
          description:
            "Retried with exponential backoff and jitter for up to 24 hours until the receiver answers 2xx (10 s timeout, the answer read up to 64 KiB).",
          tags: ["webhooks"],
          security: [],
          parameters,
          requestBody: { required: true, content: { "application/json": { schema: body } } },
          responses: {
            "200": { description: "Any 2xx acknowledges the delivery" },
            "400": { description: "Any other answer (or none within the timeout) is retried" },
          },
        },
      },
    ]),
  );
}

/** The URL the caller reached this server at (the Host the request guard accepted; the proxy's when forwarded), for `servers`. */
export function requestOrigin(req: Request): string {
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host") || url.host;
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.replace(/:$/, "");
  return `${proto}://${host}`;
}
