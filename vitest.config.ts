import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // The workspace packages from source (tsconfig.json's paths say the same).
      "switchyard-client": path.resolve(import.meta.dirname, "packages/switchyard-client/src/index.ts"),
      "switchyard-agent": path.resolve(import.meta.dirname, "packages/switchyard-agent/src/index.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "bin/**/*.test.ts", "packages/*/test/**/*.test.ts", "clients/**/*.test.ts"],
    globalSetup: ["lib/testing/global-setup.ts"],
    setupFiles: ["lib/testing/per-file-database.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
