// Agent tokens: `<agent id>.<secret>`. Only a SHA-256 of the secret is stored; the
// presented secret is hashed and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { pooled } from "@/lib/db";
import { SwitchyardError } from "@/lib/errors";
import type { Columns } from "@/lib/db/rows";

export interface AuthenticatedAgent {
  id: string;
  name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function newAgentSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, hash: hashSecret(secret) };
}

export function formatAgentToken(agentId: string, secret: string): string {
  return `${agentId}.${secret}`;
}

export async function authenticateAgent(authorization: string | null): Promise<AuthenticatedAgent> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match) throw new SwitchyardError("unauthorized", "agent token required (Authorization: Bearer <token>)", { field: "authorization" });
  const token = match[1]!;
  const dot = token.indexOf(".");
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (dot < 0 || !UUID.test(id) || secret.length === 0)
    throw new SwitchyardError("unauthorized", "invalid agent token", { field: "authorization" });
  // Raw SQL like the rest of the hot path: a model call costs the query compiler's planning on every request.
  const [agent = null] = await pooled().$queryRaw<Array<Columns<"agents", "id" | "name" | "token_hash" | "removed">>>`
    SELECT id, name, token_hash, removed FROM agents WHERE id = ${id}::uuid`;
  const presented = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(agent?.token_hash ?? "0".repeat(64), "hex");
  const valid = timingSafeEqual(presented, stored) && agent !== null && !agent.removed;
  if (!valid) throw new SwitchyardError("unauthorized", "invalid agent token", { field: "authorization" });
  return { id: agent.id, name: agent.name };
}
