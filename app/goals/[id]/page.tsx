// The goal page. The goal is read here on the server and streamed with the page, so the
// browser has it as soon as its scripts run instead of asking for it only then (issue 9:
// the first node paints sooner); GoalView keeps it live from there on.
import { Suspense } from "react";
import { GoalView } from "@/components/goal/goal-view";
import { Loading } from "@/components/ui/states";
import { idParams } from "@/lib/api/schemas";
import { getGoal } from "@/lib/presenters/goals";
import type { GoalWithTasks } from "@/lib/ui/types";

export default async function GoalPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<Loading label="Loading the goal…" />}>
      <GoalWithData goalId={id} />
    </Suspense>
  );
}

async function GoalWithData({ goalId }: { goalId: string }) {
  return <GoalView goalId={goalId} initialGoal={await readGoal(goalId)} />;
}

/** The JSON `GET /api/goals/:id` answers; undefined when it would not be a 200 (the page then asks the API, which says why). */
async function readGoal(goalId: string): Promise<GoalWithTasks | undefined> {
  if (!idParams.safeParse({ id: goalId }).success) return undefined;
  try {
    const goal = await getGoal(goalId);
    return JSON.parse(JSON.stringify(goal, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value)));
  } catch {
    return undefined;
  }
}
