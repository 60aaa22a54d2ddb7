"use client";
import { AgentLoadChart } from "@/components/overview/agent-load-chart";
import { GoalForm } from "@/components/overview/goal-form";
import { GoalsList } from "@/components/overview/goals-list";
import { StatusCards } from "@/components/overview/status-cards";
import { StartAgentHint } from "@/components/overview/start-agent";
import { ThroughputChart } from "@/components/overview/throughput-chart";
import { Card } from "@/components/ui/states";

export function Overview() {
  return (
    <div className="space-y-6">
      <h1 className="sr-only">Overview</h1>
      <StartAgentHint />
      <StatusCards />
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-2">
          <Card title="New goal">
            <GoalForm />
          </Card>
        </div>
        <Card title="Goals" className="lg:col-span-3">
          <GoalsList />
        </Card>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Agent load">
          <AgentLoadChart />
        </Card>
        <Card title="Throughput (per minute)">
          <ThroughputChart />
        </Card>
      </div>
    </div>
  );
}
