// The keyset cursor of the goal list (pure): the last goal's (created_at, id), newest
// first. Opaque to callers (base64url JSON); a cursor that does not decode is a 400.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GoalCursor {
  createdAt: Date;
  id: string;
}

export function encodeGoalCursor(cursor: GoalCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString("base64url");
}

export function decodeGoalCursor(text: string): GoalCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string" || typeof value[1] !== "string") return null;
    const createdAt = new Date(value[0]);
    if (Number.isNaN(createdAt.getTime()) || !UUID.test(value[1])) return null;
    return { createdAt, id: value[1] };
  } catch {
    return null;
  }
}

/** The words of a search as a prefix-matching tsquery ("sales rep" → "sales:* & rep:*"), or null when it has none. */
export function searchQuery(q: string): string | null {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []).slice(0, 16);
  return words.length === 0 ? null : words.map((w) => `${w}:*`).join(" & ");
}
