import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "@/lib/ui/query-keys";
import type { Agent } from "@/lib/ui/types";

/** An agent's name as the cached agent list knows it (a live patch names the agent it assigned). */
export function agentNameIn(queryClient: QueryClient): (agentId: string) => string | undefined {
  return (agentId) => queryClient.getQueryData<{ agents: Agent[] }>(queryKeys.agentList())?.agents.find((a) => a.id === agentId)?.name;
}
