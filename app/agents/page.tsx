import { AgentsView } from "@/components/agents/agents-view";

export const metadata = { title: "Agents · Switchyard" };

export default function AgentsPage() {
  return <AgentsView />;
}
