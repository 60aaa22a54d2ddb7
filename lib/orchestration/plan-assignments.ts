// Pure matching for the operator's "assign across all agents" (seed 001 assign_subtasks):
// tasks in scheduler order; each to the least loaded capable agent with free capacity,
// ties to the best skill match (fewest skills beyond those asked), then the oldest agent.
import { canDo } from "@/lib/orchestration/tensor";

export interface CandidateTask {
  id: string;
  requiredSkills: string[];
}

export interface CandidateAgent {
  id: string;
  skills: string[];
  capacity: number;
  running: number;
}

export function planAssignments(tasks: CandidateTask[], agents: CandidateAgent[]): Array<{ taskId: string; agentId: string }> {
  const state = agents.map((a) => ({ ...a, skillSet: new Set(a.skills) }));
  const out: Array<{ taskId: string; agentId: string }> = [];
  for (const task of tasks) {
    let best: (typeof state)[number] | undefined;
    for (const agent of state) {
      if (agent.running >= agent.capacity || !canDo(agent.skillSet, task.requiredSkills)) continue;
      if (!best) {
        best = agent;
        continue;
      }
      const load = agent.running / agent.capacity;
      const bestLoad = best.running / best.capacity;
      if (load < bestLoad || (load === bestLoad && agent.skills.length < best.skills.length)) best = agent;
    }
    if (best) {
      best.running++;
      out.push({ taskId: task.id, agentId: best.id });
    }
  }
  return out;
}
