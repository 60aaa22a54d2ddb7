// The route registry is generated from the route files: it must be current, so a route
// added without regenerating it (and without documenting it) fails here, by name.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderRouteTable, scanRoutes } from "@/lib/api/route-scan";
import { OPERATIONS } from "@/lib/api/openapi-operations";
import * as routes from "@/lib/api/routes";
import { ROUTE_TABLE } from "@/lib/api/route-table";

const root = path.resolve(import.meta.dirname, "../..");

describe("lib/api/route-table.ts", () => {
  it("is what bin/gen-route-table.ts writes from app/api/**/route.ts (run `npm run gen:routes` after adding a route)", () => {
    const scanned = scanRoutes(root);
    const current = readFileSync(path.join(root, "lib/api/route-table.ts"), "utf8");
    const listed = new Set<string>(ROUTE_TABLE.map((r) => r.file));
    const missing = scanned.filter((r) => !listed.has(r.file)).map((r) => r.file);
    expect(missing, "route files missing from lib/api/route-table.ts: run `npm run gen:routes`").toEqual([]);
    expect(current === renderRouteTable(scanned), "lib/api/route-table.ts is stale: run `npm run gen:routes`").toBe(true);
  });

  it("every operation of a route file has a `// METHOD /path – what` line and a response entry in lib/api/openapi-operations.ts", () => {
    const problems: string[] = [];
    for (const route of scanRoutes(root).filter((r) => !r.catchAll)) {
      for (const method of route.methods) {
        if (!route.summaries[method])
          problems.push(`${route.file}: no "// ${method} ${route.path.replace(/\{(\w+)\}/g, ":$1")} – what it does" line`);
        if (!(OPERATIONS as Record<string, unknown>)[`${method} ${route.path}`])
          problems.push(`${method} ${route.path} (${route.file}): no entry in lib/api/openapi-operations.ts`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("lib/api/routes.ts (the in-process registry for tests and tools) exports every route module", () => {
    const exported = new Set(Object.values(routes));
    const missing = ROUTE_TABLE.filter((r) => !r.catchAll && !exported.has(r.module as never)).map((r) => r.file);
    expect(missing, "add these to lib/api/routes.ts").toEqual([]);
  });
});
