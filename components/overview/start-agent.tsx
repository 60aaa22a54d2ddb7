"use client";
// Issue 9: with no live agent, the overview says how to start one: the exact command for
// this server, with the skills open tasks are waiting for.
import { useSyncExternalStore } from "react";
import { useSystemStatus } from "@/lib/ui/hooks";
import { useSkillBalance } from "@/lib/ui/progress-hooks";

export function startAgentCommand(origin: string, skills: string[]): string {
  const list = skills.length ? skills.join(",") : "general";
  return `npx switchyard-agent --server ${origin} --skills ${list} --exec 'cat'`;
}

const noSubscription = () => () => undefined;

export function StartAgentHint() {
  const { status } = useSystemStatus();
  const { skills } = useSkillBalance();
  const origin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "",
  );
  if (!status || !origin) return null;
  const live = status.agents.total - status.agents.offline;
  if (live > 0) return null;
  const wanted = skills
    .filter((s) => s.demanded > 0)
    .map((s) => s.skill)
    .slice(0, 8);
  const command = startAgentCommand(origin, wanted);
  return (
    <section aria-label="Start an agent" className="rounded-lg border border-sky-200 bg-sky-50 p-4 text-sm text-sky-950">
      <h2 className="font-semibold">No agent is running</h2>
      <p className="mt-1">
        Tasks wait until an agent with their skills pulls them. Start one on any machine that reaches this server (it runs the command once
        per task, the task as JSON on stdin, stdout as the result):
      </p>
      <pre data-testid="start-agent-command" className="mt-2 overflow-x-auto rounded bg-slate-900 p-2 font-mono text-xs text-slate-100">
        {command}
      </pre>
      <p className="mt-1 text-xs text-sky-900">
        For a Claude agent:{" "}
        <code className="font-mono">
          --stdin markdown --result-format claude-stream-json --exec &apos;claude -p --output-format stream-json --verbose&apos;
        </code>
        . Set SWITCHYARD_REGISTRATION_TOKEN if the server requires one.
      </p>
    </section>
  );
}
