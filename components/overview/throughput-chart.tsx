"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ErrorState, Loading } from "@/components/ui/states";
import { useThroughput } from "@/lib/ui/hooks";

const minuteLabel = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

export function ThroughputChart({ minutes = 60 }: { minutes?: number }) {
  const { throughput, isLoading, error } = useThroughput(minutes);
  if (isLoading) return <Loading label="Loading throughput…" />;
  if (error || !throughput) return <ErrorState error={error} title="Could not load the throughput" />;
  const data = throughput.buckets.map((b) => ({ minute: minuteLabel(b.minute), completed: b.completed, failed: b.failed }));
  return (
    <div>
      <p className="mb-2 text-xs text-slate-500" data-testid="throughput-totals">
        Last {minutes} min: {throughput.totals.completed} completed, {throughput.totals.failed} failed
      </p>
      <div role="img" aria-label={`Completions and failures per minute over the last ${minutes} minutes`} className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="minute" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="completed" stackId="t" fill="#10b981" isAnimationActive={false} />
            <Bar dataKey="failed" stackId="t" fill="#ef4444" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
