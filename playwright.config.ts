// End-to-end tests in a real browser (Debian's Chromium) against a real server and the
// real PostgreSQL: e2e/global-setup.ts creates a fresh database and starts server.ts in
// production mode (run `next build` first; NEXT_DIST_DIR picks the build folder).
import { defineConfig } from "@playwright/test";
import { freePort } from "./lib/testing/server";

// A free port unless E2E_PORT names one, so that two runs never collide. It goes into the
// environment: global-setup.ts starts the server on it, and the workers, which load this
// file again, inherit it and point baseURL at the same server.
process.env.E2E_PORT ??= String(await freePort());
const port = Number(process.env.E2E_PORT);

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
