// The socket protocol is documented (README "Live events over socket.io"): every event type
// of the domain, with its data fields, so a client author needs no source.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { EVENT_PAYLOADS } from "@/lib/domain/events";

const readme = readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Live events over socket.io"));

describe("the socket protocol in the README", () => {
  it("says how to subscribe and resume, and what an event carries", () => {
    expect(section).toContain("subscribe {goal_id?}");
    expect(section).toContain("resume {goal_id?, after}");
    expect(section).toContain("{seq, type, goal_id, subtask_id, agent_id, actor, data,\n  created_at}");
  });

  it.each(Object.entries(EVENT_PAYLOADS))("lists %s with its data fields (add new event types to the README's list)", (type, schema) => {
    const line = section.split("\n").find((l) => l.startsWith(`  - \`${type}\`:`));
    expect(line, `README: no line for ${type}`).toBeTruthy();
    for (const [field, value] of Object.entries((schema as z.ZodObject).shape as Record<string, z.ZodType>)) {
      const optional = value.safeParse(undefined).success;
      expect(line, `${type}.${field}`).toContain(`\`${field}${optional ? "?" : ""}\``);
    }
  });
});
