"use client";
// The goal's DAG in React Flow: layout from the pure layoutDag (recomputed only when the
// structure changes), light memoised nodes that keep their identity while their task does
// (lib/ui/dag-elements.ts: a live event redraws one node), only what is visible rendered.
import { Background, Controls, MiniMap, ReactFlow, type Edge } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo, useState } from "react";
import { SelectTaskContext, TaskNode } from "@/components/goal/task-node";
import { TASK_STATUS_STYLES } from "@/components/ui/status";
import { growLayout } from "@/lib/ui/grow-layout";
import { dependencyEdge, taskNode, type TaskNodeType } from "@/lib/ui/dag-elements";
import { NODE_HEIGHT, NODE_WIDTH, parseStructureKey, structureKey, type LayoutResult } from "@/lib/ui/layout";
import type { GoalWithTasks, Task } from "@/lib/ui/types";

// At module scope, so React Flow never sees a new object.
const nodeTypes = { task: TaskNode };
const proOptions = { hideAttribution: true };
const ORIGIN = { x: 0, y: 0 };
/** Above this many tasks, open zoomed on the start of the graph rather than all of it. */
const FIT_ALL_LIMIT = 150;

/**
 * The layout of the structure a key stands for, timed (read by bench/goal-page.ts); nodes
 * placed before keep their positions (tasks spawned into the goal join around them).
 */
function timedLayout(shape: string, previous: LayoutResult["positions"] | null) {
  const started = performance.now();
  const { nodes, edges } = parseStructureKey(shape);
  const result = growLayout(previous, nodes, edges);
  performance.measure("switchyard:dag-layout", { start: started, detail: { nodes: nodes.length } });
  return result;
}

export function DagView({
  goal,
  selectedId,
  onSelect,
}: {
  goal: GoalWithTasks;
  selectedId: string | null;
  onSelect: (taskId: string | null) => void;
}) {
  const subtasks = goal.subtasks;
  const edgesIn = goal.edges;
  const shape = structureKey(
    subtasks.map((s) => ({ id: s.uuid })),
    edgesIn.map((e) => ({ from: e.from, to: e.to })),
  );
  // Laid out again only when the structure changes, not on every status update; when it
  // grows, from the positions shown so far (state derived during render, not an effect).
  const [placed, setPlaced] = useState<{ shape: string; goalId: string; layout: LayoutResult } | null>(null);
  let layout = placed?.layout;
  if (!placed || !layout || placed.shape !== shape) {
    layout = timedLayout(shape, placed?.goalId === goal.id ? placed.layout.positions : null);
    setPlaced({ shape, goalId: goal.id, layout });
  }

  const nodes = useMemo<TaskNodeType[]>(
    () => subtasks.map((task) => taskNode(task, layout.positions.get(task.uuid) ?? ORIGIN, task.uuid === selectedId)),
    [subtasks, layout, selectedId],
  );

  const edges = useMemo<Edge[]>(() => {
    const statusById = new Map(subtasks.map((s) => [s.uuid, s.status]));
    return edgesIn.map((e) => dependencyEdge(e, statusById.get(e.from), statusById.get(e.to)));
  }, [edgesIn, subtasks]);

  const fitViewOptions = useMemo(() => {
    if (subtasks.length <= FIT_ALL_LIMIT) return { padding: 0.15, maxZoom: 1.2 };
    // The top-left corner: the first few ranks' first rows, so the view opens readable.
    const first = [...layout.positions.entries()]
      .filter(([, p]) => p.x < 4 * (NODE_WIDTH + 60) && p.y < 7 * (NODE_HEIGHT + 20))
      .map(([id]) => ({ id }));
    const start =
      first.length > 0
        ? first
        : [...layout.positions.entries()]
            .sort((a, b) => a[1].x - b[1].x || a[1].y - b[1].y)
            .slice(0, 8)
            .map(([id]) => ({ id }));
    return { padding: 0.1, maxZoom: 1, nodes: start };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  return (
    <div data-testid="dag" data-nodes={subtasks.length} data-edges={edgesIn.length} className="h-full w-full">
      <SelectTaskContext.Provider value={onSelect}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodeClick={(_, node) => onSelect(node.id)}
          onPaneClick={() => onSelect(null)}
          onlyRenderVisibleElements
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          fitView
          fitViewOptions={fitViewOptions}
          minZoom={0.05}
          maxZoom={2}
          proOptions={proOptions}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} />
          {subtasks.length <= 400 && (
            <MiniMap pannable zoomable nodeColor={(n) => TASK_STATUS_STYLES[(n.data as { task: Task }).task.status]?.fill ?? "#94a3b8"} />
          )}
        </ReactFlow>
      </SelectTaskContext.Provider>
    </div>
  );
}
