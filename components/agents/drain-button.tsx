"use client";
// Drain / undrain one agent (issue 10): a drained agent pulls no new work; what it runs finishes.
import { errorMessage } from "@/lib/ui/api";
import { useDrainAgent } from "@/lib/ui/steer-hooks";
import type { Agent } from "@/lib/ui/types";

export function DrainButton({ agent }: { agent: Pick<Agent, "id" | "name" | "drained"> }) {
  const drain = useDrainAgent();
  return (
    <span className="flex items-center gap-1">
      <button
        type="button"
        disabled={drain.isPending}
        onClick={() => drain.mutate({ agent, drained: !agent.drained })}
        aria-label={`${agent.drained ? "Undrain" : "Drain"} ${agent.name}`}
        className="rounded-md border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50 disabled:opacity-40"
      >
        {agent.drained ? "Undrain" : "Drain"}
      </button>
      {drain.error && (
        <span role="alert" className="text-xs text-red-700">
          {errorMessage(drain.error)}
        </span>
      )}
    </span>
  );
}
