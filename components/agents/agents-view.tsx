"use client";
// Every agent: skills, status, heartbeat age, load, counters, mean duration, and a small
// chart of its completions and failures per minute.
import { Bar, BarChart, Tooltip, XAxis } from "recharts";
import { StatusBadge } from "@/components/ui/badge";
import { DrainButton } from "@/components/agents/drain-button";
import { formatDuration } from "@/components/ui/format";
import { Card, EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { useAgents, useAgentThroughput } from "@/lib/ui/hooks";
import type { AgentThroughput } from "@/lib/ui/types";
import { SkillBalanceCard } from "@/components/agents/skill-balance";
import { formatCost, formatTokens } from "@/components/ui/format-usage";

const MINUTES = 30;
const minuteLabel = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

function Sparkbars({ buckets, name }: { buckets: AgentThroughput["agents"][number]["buckets"] | undefined; name: string }) {
  if (!buckets) return <span className="text-xs text-slate-400">no attempts in {MINUTES} min</span>;
  const data = buckets.map((b) => ({ minute: minuteLabel(b.minute), completed: b.completed, failed: b.failed }));
  return (
    <div role="img" aria-label={`Completions and failures per minute of ${name}`}>
      <BarChart width={180} height={40} data={data} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
        <XAxis dataKey="minute" hide />
        <Tooltip wrapperStyle={{ fontSize: 11 }} />
        <Bar dataKey="completed" stackId="a" fill="#10b981" isAnimationActive={false} />
        <Bar dataKey="failed" stackId="a" fill="#ef4444" isAnimationActive={false} />
      </BarChart>
    </div>
  );
}

export function AgentsView() {
  const { agents, isLoading, error } = useAgents();
  const { series } = useAgentThroughput(MINUTES);
  const byAgent = new Map(series.map((s) => [s.agent_id, s.buckets]));

  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Agents</h1>
      <Card>
        {isLoading ? (
          <Loading label="Loading agents…" />
        ) : error ? (
          <ErrorState error={error} title="Could not load the agents" />
        ) : agents.length === 0 ? (
          <EmptyState title="No agents registered">
            Agents register with POST /api/orchestration/register, or run the worker command.
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Agents">
              <thead className="text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-2 py-2">Agent</th>
                  <th className="px-2 py-2">Status</th>
                  <th className="px-2 py-2">Skills</th>
                  <th className="px-2 py-2">Heartbeat</th>
                  <th className="px-2 py-2">Load</th>
                  <th className="px-2 py-2 text-right">Done</th>
                  <th className="px-2 py-2 text-right">Failed</th>
                  <th className="px-2 py-2 text-right">Mean</th>
                  <th className="px-2 py-2 text-right">Cost</th>
                  <th className="px-2 py-2">Last {MINUTES} min</th>
                  <th className="px-2 py-2">Work</th>
                </tr>
              </thead>
              <tbody>
                {agents.map((a) => (
                  <tr key={a.id} className="border-t border-slate-100 align-middle" data-testid="agent-row" data-agent-id={a.id}>
                    <td className="px-2 py-2">
                      <p className="font-medium">{a.name}</p>
                      <p className="font-mono text-[11px] text-slate-400">{a.id.slice(0, 8)}</p>
                    </td>
                    <td className="px-2 py-2">
                      <StatusBadge kind="agent" status={a.status} />
                    </td>
                    <td className="max-w-56 px-2 py-2">
                      <span className="flex flex-wrap gap-1">
                        {a.skills.length ? (
                          a.skills.map((s) => (
                            <span key={s} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px]">
                              {s}
                            </span>
                          ))
                        ) : (
                          <span className="text-xs text-slate-400">none</span>
                        )}
                      </span>
                    </td>
                    <td className="px-2 py-2 text-xs tabular-nums text-slate-600">{formatDuration(a.heartbeat_age_ms)} ago</td>
                    <td className="px-2 py-2">
                      <div className="flex items-center gap-2">
                        <div
                          className="h-2 w-20 overflow-hidden rounded-full bg-slate-200"
                          role="meter"
                          aria-label={`Load of ${a.name}`}
                          aria-valuemin={0}
                          aria-valuemax={a.capacity}
                          aria-valuenow={a.running}
                        >
                          <div className="h-full bg-amber-500" style={{ width: `${Math.min(100, Math.round(a.load * 100))}%` }} />
                        </div>
                        <span className="text-xs tabular-nums" data-testid="agent-load">
                          {a.running}/{a.capacity}
                        </span>
                      </div>
                    </td>
                    <td className="px-2 py-2 text-right tabular-nums" data-testid="agent-done">
                      {a.tasks_done}
                    </td>
                    <td className="px-2 py-2 text-right tabular-nums" data-testid="agent-failed">
                      {a.tasks_failed}
                    </td>
                    <td className="px-2 py-2 text-right text-xs tabular-nums">{formatDuration(a.mean_duration_ms)}</td>
                    <td
                      className="px-2 py-2 text-right text-xs tabular-nums"
                      data-testid="agent-cost"
                      title={`${a.usage.input_tokens} input / ${a.usage.output_tokens} output tokens`}
                    >
                      {formatCost(a.usage.cost_usd)}
                      <span className="block text-slate-400">{formatTokens(a.usage.input_tokens + a.usage.output_tokens)} tok</span>
                    </td>
                    <td className="px-2 py-2">
                      <Sparkbars buckets={byAgent.get(a.id)} name={a.name} />
                    </td>
                    <td className="px-2 py-2">
                      <DrainButton agent={a} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <SkillBalanceCard />
    </div>
  );
}
