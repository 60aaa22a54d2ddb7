// Every route handler by path, for in-process tests and tools (one import instead of many).
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
