// The generated OpenAPI document passes @redocly/cli lint (recommended rules, redocly.yaml) with no error.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "sy-openapi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the OpenAPI document", () => {
  it("passes @redocly/cli lint with 0 errors", { timeout: 120_000 }, async () => {
    const file = path.join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(buildOpenApiDocument(), null, 2));
    const result = await promisify(execFile)(
      process.execPath,
      [
        path.join(root, "node_modules/@redocly/cli/bin/cli.js"),
        "lint",
        file,
        "--config",
        path.join(root, "redocly.yaml"),
        "--format",
        "json",
      ],
      {
        cwd: root,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string; code?: number }) => ({
      stdout: error.stdout ?? "",
      stderr: `${error.stderr ?? ""} (exit ${error.code})`,
    }));
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as {
      totals: { errors: number; warnings: number };
      problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer?: string }> }>;
    };
    const errors = report.problems
      .filter((p) => p.severity === "error")
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });
});
