"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { useAgents } from "@/lib/ui/hooks";

export function AgentLoadChart() {
  const { agents, isLoading, error } = useAgents();
  if (isLoading) return <Loading label="Loading agents…" />;
  if (error) return <ErrorState error={error} title="Could not load the agents" />;
  const live = agents.filter((a) => a.status !== "offline");
  if (live.length === 0) return <EmptyState title="No live agents">Agents appear here once they register.</EmptyState>;
  const data = live.slice(0, 40).map((a) => ({ name: a.name, running: a.running, free: Math.max(0, a.capacity - a.running) }));
  return (
    <div
      data-testid="agent-load-chart"
      role="img"
      aria-label={`Load of ${live.length} live agents: running tasks against capacity`}
      className="h-64"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="name"
            tick={{ fontSize: 11 }}
            interval={0}
            angle={data.length > 8 ? -30 : 0}
            textAnchor={data.length > 8 ? "end" : "middle"}
            height={data.length > 8 ? 50 : 24}
          />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="running" name="running" stackId="load" fill="#f59e0b" isAnimationActive={false} />
          <Bar dataKey="free" name="free capacity" stackId="load" fill="#cbd5e1" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
