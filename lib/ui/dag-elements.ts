// The React Flow elements of a goal's DAG, built so that whatever did not change keeps
// its identity. React Flow keeps its internal node (position, size, handle bounds) for a
// node object it has seen before and does not re-render it, so a live event that patches
// one task (lib/ui/event-effects.ts: the other tasks stay the same objects, as they do
// through TanStack Query's structural sharing after a refetch) redraws one node and its
// edges, not the graph. A new node object without `measured` would lose its handle
// bounds: React Flow measures it again and drops its edges until it has.
import type { Edge, Node } from "@xyflow/react";
import { NODE_HEIGHT, NODE_WIDTH } from "@/lib/ui/layout";
import type { GoalWithTasks, Task } from "@/lib/ui/types";

export type TaskNodeData = { task: Task };
export type TaskNodeType = Node<TaskNodeData, "task">;
type Position = { x: number; y: number };
type DependencyEdge = GoalWithTasks["edges"][number];

const nodes = new WeakMap<Task, TaskNodeType>();
const edges = new WeakMap<DependencyEdge, Edge>();

/** The node of a task: the one built before for the same task object, position and selection. */
export function taskNode(task: Task, position: Position, selected: boolean): TaskNodeType {
  const known = nodes.get(task);
  if (known && known.selected === selected && known.position.x === position.x && known.position.y === position.y) return known;
  const node: TaskNodeType = {
    id: task.uuid,
    type: "task",
    position,
    data: { task },
    // Known sizes: nothing to measure before the minimap, fitView and the edges can use them.
    width: NODE_WIDTH,
    height: NODE_HEIGHT,
    measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
    selected,
    draggable: false,
    connectable: false,
  };
  nodes.set(task, node);
  return node;
}

// Shared, so an edge whose look did not change compares equal.
const DONE_STYLE = { stroke: "#10b981", strokeWidth: 1.5 };
const OPEN_STYLE = { stroke: "#94a3b8", strokeWidth: 1.5 };

/** A dependency's edge: green once its source completed, animated while its target runs. */
export function dependencyEdge(edge: DependencyEdge, sourceStatus: string | undefined, targetStatus: string | undefined): Edge {
  const animated = targetStatus === "running";
  const style = sourceStatus === "completed" ? DONE_STYLE : OPEN_STYLE;
  const known = edges.get(edge);
  if (known && known.animated === animated && known.style === style) return known;
  const built: Edge = { id: `${edge.from}>${edge.to}`, source: edge.from, target: edge.to, animated, style };
  edges.set(edge, built);
  return built;
}
