"use client";
import { ErrorState, Loading } from "@/components/ui/states";
import { useSystemStatus } from "@/lib/ui/hooks";

function Stat({ label, value, detail }: { label: string; value: number | string; detail?: string }) {
  return (
    <div
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      data-testid={`stat-${label.toLowerCase().replace(/\s+/g, "-")}`}
    >
      <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      {detail && <p className="mt-1 text-xs text-slate-500">{detail}</p>}
    </div>
  );
}

export function StatusCards() {
  const { status, isLoading, error } = useSystemStatus();
  if (isLoading) return <Loading label="Loading system status…" />;
  if (error || !status) return <ErrorState error={error} title="Could not load the system status" />;
  const { agents, tasks, goals } = status;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-5" aria-label="System status">
      <Stat label="Agents" value={agents.total} detail={`${agents.idle} idle · ${agents.busy} busy · ${agents.offline} offline`} />
      <Stat label="Capacity in use" value={`${agents.running}/${agents.capacity}`} detail="running / live capacity" />
      <Stat
        label="Running tasks"
        value={tasks.running}
        detail={`${tasks.pending} pending · ${tasks.waiting} waiting · ${tasks.retrying} retrying`}
      />
      <Stat
        label="Finished tasks"
        value={tasks.completed}
        detail={`${tasks.failed} failed · ${tasks.skipped} skipped · ${tasks.cancelled} cancelled`}
      />
      <Stat
        label="Goals"
        value={goals.total}
        detail={`${goals.running} running · ${goals.complete} complete · ${goals.partial + goals.failed} partial/failed`}
      />
    </div>
  );
}
