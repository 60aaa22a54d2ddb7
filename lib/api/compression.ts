// Which answers the server sends uncompressed. Next gzips every answer whose client accepts
// it, however short: for an agent's reports (a progress line, a heartbeat, one result) the
// answer is a few hundred bytes and the gzip stream cost about an eighth of the server's CPU
// under 32 agents streaming output. Those requests reach Next without Accept-Encoding; pages,
// assets and the large reads (a goal, the tensor, the document) stay compressed.
import type { IncomingHttpHeaders, ServerResponse } from "node:http";

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

/**
 * An API answer leaves in one write. Gzipped and chunked, it otherwise went out as five:
 * the headers, the gzip header, the body, the gzip trailer and the chunked encoding's end,
 * each a system call and a TCP segment (and a wake-up of the agent reading it); on these
 * machines a socket write costs about 0.2 ms of CPU. The socket is corked until the answer
 * ends — `end()` itself uncorks it in full, `prefinish` is the safety net — or until a write
 * finds the buffer full, since whoever writes then waits for a `drain` that a corked socket
 * never gives. Only API routes: their answers are whole documents, none streams (a route
 * that did, server-sent events say, would have to uncork at its first write); pages stream
 * and stay as they are.
 */
export function answerInOneWrite(url: string | undefined, res: ServerResponse): void {
  if (!url?.startsWith("/api/")) return;
  let corked = true;
  const release = () => {
    if (!corked) return;
    corked = false;
    res.uncork();
  };
  res.cork();
  res.once("prefinish", release);
  const write = res.write;
  res.write = function (this: ServerResponse, ...args: Parameters<ServerResponse["write"]>): boolean {
    const ok = write.apply(this, args);
    if (!ok) release();
    return ok;
  } as ServerResponse["write"];
}
