import { describe, expect, it } from "vitest";
import { Position } from "@xyflow/react";
import { dependencyEdge, taskNode, TASK_NODE_HANDLES } from "@/lib/ui/dag-elements";
import { patchGoal } from "@/lib/ui/event-effects";
import { NODE_HEIGHT, NODE_WIDTH } from "@/lib/ui/layout";
import type { GoalWithTasks, LiveEvent, Task } from "@/lib/ui/types";

const G = "11111111-1111-4111-8111-111111111111";
const A = "44444444-4444-4444-8444-444444444444";
const id = (i: number) => `22222222-2222-4222-8222-${String(i).padStart(12, "0")}`;

// Only the fields the DAG and patchGoal read.
function goalOf(n: number): GoalWithTasks {
  const subtasks = Array.from({ length: n }, (_, i) => ({ uuid: id(i), key: `T-${i}`, status: "running", agent_id: A, agent_name: "a" }));
  return {
    id: G,
    tasks: { running: n, total: n },
    subtasks,
    edges: subtasks.slice(1).map((t, i) => ({ from: subtasks[i]!.uuid, to: t.uuid })),
    last_seq: 0,
    reflected_seqs: [],
  } as unknown as GoalWithTasks;
}

const completed = (subtaskId: string) =>
  ({
    seq: 7,
    type: "task.completed",
    goal_id: G,
    subtask_id: subtaskId,
    agent_id: A,
    actor: "agent",
    data: { status: "completed" },
    created_at: "2026-01-01T00:00:00.000Z",
  }) as unknown as LiveEvent;

const at = (i: number) => ({ x: i * 260, y: 0 });

describe("the DAG's React Flow elements", () => {
  it("a live event that patches one task leaves every other node and edge object as it was", () => {
    const before = goalOf(50);
    const nodes = before.subtasks.map((t, i) => taskNode(t, at(i), false));
    const status = (g: GoalWithTasks) => new Map(g.subtasks.map((t) => [t.uuid, t.status]));
    const edges = before.edges.map((e) => dependencyEdge(e, status(before).get(e.from), status(before).get(e.to)));

    const after = patchGoal(before, completed(id(10)));
    const nodesAfter = after.subtasks.map((t, i) => taskNode(t, at(i), false));
    const edgesAfter = after.edges.map((e) => dependencyEdge(e, status(after).get(e.from), status(after).get(e.to)));

    const changedNodes = nodesAfter.filter((node, i) => node !== nodes[i]);
    expect(changedNodes.map((n) => n.data.task.status)).toEqual(["completed"]);
    expect(changedNodes[0]!.id).toBe(id(10));
    // Its outgoing edge turns green; its incoming one stops being animated.
    const changedEdges = edgesAfter.filter((edge, i) => edge !== edges[i]).map((e) => e.id);
    expect(changedEdges.sort()).toEqual([`${id(9)}>${id(10)}`, `${id(10)}>${id(11)}`].sort());
  });

  it("a node is built again when its task is selected or moves, and is then kept again", () => {
    const [task] = goalOf(1).subtasks as [Task];
    const plain = taskNode(task, at(0), false);
    const selected = taskNode(task, at(0), true);
    expect(selected).not.toBe(plain);
    expect(selected.selected).toBe(true);
    expect(taskNode(task, at(0), true)).toBe(selected);
    expect(taskNode(task, at(1), true).position).toEqual(at(1));
  });

  it("every node says its size and where its two handles are, so React Flow has nothing to measure", () => {
    const node = taskNode(goalOf(1).subtasks[0]!, at(0), false);
    expect(node.measured).toEqual({ width: NODE_WIDTH, height: NODE_HEIGHT });
    const centre = (type: "source" | "target") => {
      const h = node.handles!.find((x) => x.type === type)!;
      return { x: h.x + h.width! / 2, y: h.y + h.height! / 2, position: h.position };
    };
    // Edges come in on the left and leave on the right, at mid-height, as the node draws its handles.
    expect(centre("target")).toEqual({ x: 2, y: NODE_HEIGHT / 2, position: Position.Left });
    expect(centre("source")).toEqual({ x: NODE_WIDTH - 2, y: NODE_HEIGHT / 2, position: Position.Right });
    expect(node.handles).toBe(TASK_NODE_HANDLES);
  });
});
