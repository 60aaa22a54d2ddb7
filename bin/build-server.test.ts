// The compiled server that `npm start` runs and the tests start (lib/testing/server.ts).
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildServer, SERVER_BUNDLE, SERVER_NODE_FLAGS } from "./build-server";

describe("the server bundle", () => {
  it("npm start runs the bundle with the flags the tests start it with", () => {
    const start: string = JSON.parse(readFileSync("package.json", "utf8")).scripts.start;
    expect(start).toContain(`node ${SERVER_NODE_FLAGS.join(" ")} ${SERVER_BUNDLE}`);
  });

  it("bundles server.ts with lib/ inlined and npm packages left to node_modules", async () => {
    const outfile = await buildServer();
    expect((await stat(outfile)).size).toBeGreaterThan(10_000);
    const code = readFileSync(outfile, "utf8");
    expect(code).not.toMatch(/from "@\//); // every @/ path resolved into the bundle
    expect(code).toMatch(/from "next"/); // packages stay external
    expect(code).toContain("startSweeper");
  });
});
