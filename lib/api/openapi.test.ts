import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/openapi.json/route";
import { decomposeBody } from "@/lib/api/schemas";
import { call } from "@/lib/testing/http";
import { z } from "zod";

const apiRoot = path.resolve(import.meta.dirname, "../../app/api");

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

/** app/api/goals/[id]/cancel/route.ts → /api/goals/{id}/cancel, with its exported methods (not the catch-all 404). */
function routesOnDisk(): Array<{ path: string; method: string; file: string }> {
  return routeFiles(apiRoot)
    .filter((file) => !file.includes("[..."))
    .flatMap((file) => {
      const rel = path.relative(apiRoot, path.dirname(file)).split(path.sep).filter(Boolean);
      const urlPath = "/api/" + rel.map((seg) => seg.replace(/^\[(.+)\]$/, "{$1}")).join("/");
      const source = readFileSync(file, "utf8");
      const methods = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!.toLowerCase());
      return methods.map((method) => ({ path: urlPath.replace(/\/$/, ""), method, file: path.relative(apiRoot, file) }));
    });
}

describe("GET /api/openapi.json", () => {
  it("lists every route file under app/api with each of its methods", async () => {
    const res = await call(GET, "GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const onDisk = routesOnDisk();
    expect(onDisk.length).toBeGreaterThan(15);
    const missing = onDisk.filter((r) => !doc.paths[r.path]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path} (${r.file})`);
    expect(missing).toEqual([]);
    // …and nothing documented that does not exist.
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const existing = new Set(onDisk.map((r) => `${r.method} ${r.path}`));
    expect(documented.filter((d) => !existing.has(d))).toEqual([]);
  });

  it("describes request bodies with the same zod schemas the routes validate with", async () => {
    const doc = (await call(GET, "GET", "/api/openapi.json")).body;
    const body = doc.paths["/api/orchestration/decompose"].post.requestBody.content["application/json"].schema;
    const { $schema: _, ...expected } = z.toJSONSchema(decomposeBody, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    expect(body).toEqual(expected);
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(["goal", "context", "plan", "plan_markdown"]));
    const tensorParams = doc.paths["/api/orchestration/tensor"].get.parameters.map(
      (p: { name: string; in: string }) => `${p.in}:${p.name}`,
    );
    expect(tensorParams).toEqual(expect.arrayContaining(["query:goal_id", "query:format"]));
    expect(doc.paths["/api/goals/{id}/result"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
  });
});

describe("an unknown /api path", () => {
  it("answers a JSON 404 in the one error shape, not Next's HTML page", async () => {
    const { GET: unknown } = await import("@/app/api/[...path]/route");
    const res = await call(unknown, "GET", "/api/no/such/thing");
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: "not_found", message: "no such endpoint: GET /api/no/such/thing", field: "path" });
  });
});
