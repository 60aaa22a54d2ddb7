// Compile-time check (tsc, next build): the published client's hand-written wire types
// agree with what the server validates and produces. Nothing runs; a drift is a type error.
import type { z } from "zod";
import type * as C from "switchyard-client";
import type { AgentStatus, AttemptOutcome, GoalStatus, SubtaskStatus } from "@/lib/domain/statuses";
import type { AggregatedResult } from "@/lib/orchestration/aggregate";
import type { LiveEvent } from "@/lib/realtime/protocol";
import type { progressBody } from "@/lib/api/schemas/progress";
import type { agentIdBody, assignBody, completeBody, decomposeBody, failBody, goalsQuery, registerBody } from "@/lib/api/schemas";

/** A and B accept the same values (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
/** Every A is a B (the server's typed events are valid events to the client's looser shape). */
type Fits<A, B> = [A] extends [B] ? true : false;

export type ClientTypesAgree = [
  Holds<Same<C.RegisterRequest, z.input<typeof registerBody>>>,
  Holds<Same<C.DecomposeRequest, z.input<typeof decomposeBody>>>,
  Holds<Same<C.AssignRequest, z.input<typeof assignBody>>>,
  Holds<Same<C.CompleteRequest, z.input<typeof completeBody>>>,
  Holds<Same<C.FailRequest, z.input<typeof failBody>>>,
  Holds<Same<C.ProgressRequest, z.input<typeof progressBody>>>,
  Holds<Same<NonNullable<C.CompleteRequest["usage"]>, NonNullable<z.input<typeof completeBody>["usage"]>>>,
  Holds<Same<NonNullable<C.DecomposeRequest["budget"]>, NonNullable<z.input<typeof decomposeBody>["budget"]>>>,
  Holds<Same<C.AgentIdRequest, z.input<typeof agentIdBody>>>,
  Holds<Same<NonNullable<C.GoalsQuery["status"]>, NonNullable<z.input<typeof goalsQuery>["status"]>>>,
  Holds<Same<C.AggregatedResult, AggregatedResult>>,
  Holds<Fits<LiveEvent, C.ApiEvent>>,
  Holds<Same<C.SubtaskStatus, SubtaskStatus>>,
  Holds<Same<C.GoalStatus, GoalStatus>>,
  Holds<Same<C.AgentStatus, AgentStatus>>,
  Holds<Same<C.AttemptOutcome, AttemptOutcome>>,
];
