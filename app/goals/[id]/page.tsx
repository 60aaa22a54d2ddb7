import { GoalView } from "@/components/goal/goal-view";

export default async function GoalPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <GoalView goalId={id} />;
}
