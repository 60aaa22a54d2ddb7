// Which answers the server sends uncompressed. Next gzips every answer whose client accepts
// it, however short: for an agent's reports (a progress line, a heartbeat, one result) the
// answer is a few hundred bytes and the gzip stream cost about an eighth of the server's CPU
// under 32 agents streaming output. Those requests reach Next without Accept-Encoding; pages,
// assets and the large reads (a goal, the tensor, the document) stay compressed.
import type { IncomingHttpHeaders } from "node:http";

const SHORT_ANSWERS = new Set([
  "/api/orchestration/progress",
  "/api/orchestration/heartbeat",
  "/api/orchestration/complete",
  "/api/orchestration/fail",
]);

/** Drops Accept-Encoding from an agent's report, whose answer is too short to be worth compressing. */
export function skipCompressionOfShortAnswers(method: string | undefined, url: string | undefined, headers: IncomingHttpHeaders): void {
  if (method !== "POST" || !url) return;
  const path = url.split("?")[0]!;
  if (SHORT_ANSWERS.has(path)) delete headers["accept-encoding"];
}
