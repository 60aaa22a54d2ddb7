// ESLint (flat config): Next's rules (core web vitals, React, React hooks, a11y) and
// typescript-eslint's recommended rules. `npm run lint` runs it with --max-warnings 0.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig([
  globalIgnores([
    ".next/**",
    ".next-*/**",
    "node_modules/**",
    "lib/generated/**",
    "packages/*/dist/**",
    "dist/**",
    "bench/results/**",
    "playwright-report/**",
    "test-results/**",
    ".data/**",
    "next-env.d.ts",
    "lib/api/route-table.ts",
    "packages/switchyard-client/src/openapi.gen.ts",
  ]),
  ...nextVitals,
  ...nextTypescript,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat["recommended-latest"] ?? reactHooks.configs.flat.recommended,
  {
    rules: {
      // `_name` marks a value left unused on purpose (a destructured field dropped, an ignored argument).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // No React outside the app: a function named use… in a script is not a hook.
    files: ["bench/**", "bin/**", "server.ts", "lib/orchestration/**", "lib/db/**", "lib/events/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // Tests and scripts: `any` for JSON bodies read back from real responses is fine there.
    files: ["**/*.test.ts", "**/*.test.tsx", "e2e/**", "bench/**", "lib/testing/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
]);
