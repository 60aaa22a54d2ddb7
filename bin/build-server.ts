// Compiles server.ts (and the lib/ code it runs: the sweeper, the relay, socket.io's
// server) into one ES module, dist/server.mjs, which `npm start` runs with plain node.
// Without it the server ran under tsx, whose loader thread and on-the-fly compilation
// cost about 50 MiB of resident memory for the life of the process. npm packages stay
// external (resolved from node_modules at run time); `@/` paths are resolved here from
// tsconfig.json.
//
//   npx tsx bin/build-server.ts        (npm run build does it after next build)
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

export const SERVER_BUNDLE = path.join("dist", "server.mjs");

/**
 * The flags node runs the server with (package.json's start script says the same; a test
 * holds them equal). The server's live heap is 60–100 MiB, but by default V8 sizes its
 * old space by the machine (4 GiB here) and lets the heap grow on garbage: 300+ MiB
 * resident after 500 registrations and a 10,000-task plan. With a 512 MiB old-space limit
 * it collects sooner: 226–240 MiB with 8 MiB semi-spaces. (4 MiB semi-spaces gave
 * 209–223 MiB but pushed more short-lived request objects into the old space: progress
 * push p95 100–114 ms against 78–99 ms with 32 agents streaming output.) A goal whose
 * results together approach the limit would need it raised.
 */
export const SERVER_NODE_FLAGS = ["--max-old-space-size=512", "--max-semi-space-size=8"];

/** Writes the bundle (atomically: concurrent builders never leave a half-written file); answers its path. */
export async function buildServer(root = process.cwd()): Promise<string> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["server.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "warning",
  });
  const outfile = path.join(root, SERVER_BUNDLE);
  await mkdir(path.dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, result.outputFiles[0]!.contents);
  await rename(temporary, outfile);
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outfile = await buildServer();
  console.log(`built ${path.relative(process.cwd(), outfile)}`);
}
