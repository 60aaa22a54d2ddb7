// The operator's sign-in on a real server process: POST /api/session with the token; the
// session cookie (`sy_operator=…`) comes back, ready for a Cookie header.
import { expect } from "vitest";
import type { RunningServer } from "@/lib/testing/server";

export async function signIn(server: Pick<RunningServer, "url">, token: string): Promise<string> {
  const res = await fetch(`${server.url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  expect(res.status).toBe(200);
  return /^(sy_operator=[^;]+)/.exec(res.headers.get("set-cookie") ?? "")![1]!;
}
