// switchyard-agent: a worker that runs a shell command per task. The logic is in
// this package; this file parses the command line and wires signals.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseCli, USAGE } from "./cli-options.js";
import { Worker } from "./worker.js";

async function main() {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  if ("error" in parsed) {
    console.error(`switchyard-agent: ${parsed.error}\n\n${USAGE}`);
    process.exit(2);
  }
  const o = parsed.options;
  const tokenFile = o["token-file"];
  const savedToken = tokenFile && existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() || undefined : undefined;
  const worker = new Worker({
    server: o.server,
    skills: o.skills,
    capacity: o.capacity,
    name: o.name,
    command: o.exec,
    stdinFormat: o.stdin,
    resultFormat: o["result-format"],
    token: savedToken,
    registrationToken: process.env.SWITCHYARD_REGISTRATION_TOKEN || undefined,
    pollMs: o["poll-ms"],
    heartbeatMs: o["heartbeat-ms"],
    graceMs: o["grace-ms"],
    cwd: o.cwd,
    onRegistered: ({ token }) => {
      if (!tokenFile) return;
      mkdirSync(path.dirname(path.resolve(tokenFile)), { recursive: true });
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    },
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      console.error(`[${worker.name}] ${signal} again: exiting now`);
      process.exit(130);
    }
    console.log(`[${worker.name}] ${signal}: no new tasks; finishing ${worker.runningCount} running (grace ${o["grace-ms"]} ms)`);
    worker.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  await worker.start();
}

main().catch((error) => {
  console.error(`switchyard-agent: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
