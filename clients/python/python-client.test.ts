// The Python client's own tests (clients/python/tests, unittest) with Debian's python3
// against a real server process.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { startProcess } from "@/lib/testing/worker-process";

const here = import.meta.dirname;
const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next", RETRY_BASE_MS: "100", RETRY_MAX_MS: "200" } });
});

afterAll(async () => {
  await server?.stop();
});

describe("the Python client", () => {
  it("runs on Python ≥ 3.9 with the standard library only", () => {
    const version = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" }).stdout.trim();
    const [major, minor] = version.split(".").map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(309);
    // -S -I: no site-packages, no user paths: only the standard library and clients/python.
    const imported = spawnSync(
      python,
      ["-I", "-S", "-c", `import sys; sys.path.insert(0, ${JSON.stringify(here)}); import switchyard; print(switchyard.Client.__name__)`],
      { encoding: "utf8" },
    );
    expect(imported.stderr).toBe("");
    expect(imported.stdout.trim()).toBe("Client");
  });

  it("passes its unittest suite against a real server", { timeout: 120_000 }, async () => {
    const run = startProcess(python, ["-m", "unittest", "discover", "-v", "-s", "tests", "-t", "."], {
      cwd: here,
      env: { SWITCHYARD_URL: server.url, PYTHONDONTWRITEBYTECODE: "1" },
    });
    const code = await run.exited;
    console.log(run.output());
    expect(run.output()).not.toMatch(/skipped 'set SWITCHYARD_URL/);
    expect(code).toBe(0);
    expect(run.output()).toMatch(/^OK/m);
  });
});
