// Every route handler by a short name, for in-process tests and tools (one import instead of many).
// lib/api/route-table.test.ts fails when a route file is missing here.
export * as register from "@/app/api/orchestration/register/route";
export * as decompose from "@/app/api/orchestration/decompose/route";
export * as assign from "@/app/api/orchestration/assign/route";
export * as complete from "@/app/api/orchestration/complete/route";
export * as fail from "@/app/api/orchestration/fail/route";
export * as heartbeat from "@/app/api/orchestration/heartbeat/route";
export * as unregister from "@/app/api/orchestration/unregister/route";
export * as status from "@/app/api/orchestration/status/route";
export * as tensor from "@/app/api/orchestration/tensor/route";
export * as goals from "@/app/api/goals/route";
export * as goal from "@/app/api/goals/[id]/route";
export * as agents from "@/app/api/agents/route";
export * as health from "@/app/api/health/route";
export * as throughput from "@/app/api/metrics/throughput/route";
export * as agentThroughput from "@/app/api/metrics/agents/route";
export * as tensorLabels from "@/app/api/orchestration/tensor/labels/route";
export * as session from "@/app/api/session/route";
export * as events from "@/app/api/events/route";
export * as task from "@/app/api/tasks/[id]/route";
export * as taskRetry from "@/app/api/tasks/[id]/retry/route";
export * as taskReassign from "@/app/api/tasks/[id]/reassign/route";
export * as taskCancel from "@/app/api/tasks/[id]/cancel/route";
export * as goalCancel from "@/app/api/goals/[id]/cancel/route";
export * as completeBatch from "@/app/api/orchestration/complete-batch/route";
export * as metrics from "@/app/api/metrics/route";
export * as goalPlan from "@/app/api/goals/[id]/plan.md/route";
export * as goalResult from "@/app/api/goals/[id]/result/route";
export * as openapi from "@/app/api/openapi.json/route";
// Issue 9 (visible): progress reports and stored output.
export * as progress from "@/app/api/orchestration/progress/route";
export * as taskOutput from "@/app/api/tasks/[id]/output/route";
export * as goalTimeline from "@/app/api/goals/[id]/timeline/route";
export * as agentSkills from "@/app/api/agents/skills/route";
// Issue 13 (anywhere): readiness and MCP over HTTP.
export * as ready from "@/app/api/ready/route";
export * as mcp from "@/app/api/mcp/route";
// Operators step in (issue 10)
export * as goalPause from "@/app/api/goals/[id]/pause/route";
export * as goalResume from "@/app/api/goals/[id]/resume/route";
export * as agentDrain from "@/app/api/agents/[id]/drain/route";
export * as agentUndrain from "@/app/api/agents/[id]/undrain/route";
export * as taskApprove from "@/app/api/tasks/[id]/approve/route";
export * as taskReject from "@/app/api/tasks/[id]/reject/route";
export * as taskRerun from "@/app/api/tasks/[id]/rerun/route";
export * as tasksBulk from "@/app/api/tasks/bulk/route";
