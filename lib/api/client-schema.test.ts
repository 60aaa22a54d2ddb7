// The typed client's response types are generated from the OpenAPI document: the file in
// the client package must be what the generator writes from today's schemas.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_SCHEMA_FILE, renderClientSchema } from "@/lib/api/client-schema";

describe(CLIENT_SCHEMA_FILE, () => {
  it("is current with the OpenAPI document (run `npm run gen:client` after changing a route or a schema)", async () => {
    const current = readFileSync(path.resolve(import.meta.dirname, "../..", CLIENT_SCHEMA_FILE), "utf8");
    const expected = await renderClientSchema();
    expect(current === expected, `${CLIENT_SCHEMA_FILE} is stale: run \`npm run gen:client\``).toBe(true);
  });
});
