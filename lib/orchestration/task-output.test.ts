// An attempt's output is stored as the chunks its reports appended: the last `keep` bytes
// stay, exactly, whatever the sizes of the chunks and wherever the cut falls.
import { describe, expect, it } from "vitest";
import { db, transaction } from "@/lib/db";
import { createGoal } from "@/lib/orchestration/create-goal";
import { appendOutput, readOutput } from "@/lib/orchestration/task-output";

async function newTask(): Promise<string> {
  const { goalId } = await createGoal({ goal: "output chunks", plan: { tasks: [{ key: "t", name: "t" }] }, actor: "test" });
  return (await db().subtask.findFirstOrThrow({ where: { goalId: goalId! } })).id;
}

async function append(subtaskId: string, chunk: string, keepBytes: number) {
  return transaction((tx) => appendOutput(tx, { subtaskId, attempt: 1, chunk, now: new Date(), keepBytes }));
}

async function chunks(subtaskId: string): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ content: Uint8Array }>>`
    SELECT content FROM task_output_chunks WHERE subtask_id = ${subtaskId}::uuid ORDER BY end_byte`;
  return rows.map((r) => Buffer.from(r.content).toString("utf8"));
}

describe("appendOutput", () => {
  it("keeps exactly the last `keep` bytes: whole chunks before the tail go, the one it starts inside loses its front", async () => {
    const id = await newTask();
    expect(await append(id, "aaaa", 10)).toEqual({ totalBytes: 4, droppedBytes: 0 });
    expect(await append(id, "bbbb", 10)).toEqual({ totalBytes: 8, droppedBytes: 0 });
    expect(await chunks(id)).toEqual(["aaaa", "bbbb"]);
    expect(await append(id, "cccc", 10)).toEqual({ totalBytes: 12, droppedBytes: 2 });
    expect(await chunks(id)).toEqual(["aa", "bbbb", "cccc"]);
    expect(await append(id, "dddddd", 10)).toEqual({ totalBytes: 18, droppedBytes: 8 });
    expect(await chunks(id)).toEqual(["cccc", "dddddd"]);
    expect(await readOutput(id)).toEqual({ attempt: 1, text: "ccccdddddd", totalBytes: 18, droppedBytes: 8 });
    // Nothing to append: the counts as they stand, nothing written.
    expect(await append(id, "", 10)).toEqual({ totalBytes: 18, droppedBytes: 8 });
    expect(await chunks(id)).toEqual(["cccc", "dddddd"]);
  });

  it("stores only the tail of a chunk longer than `keep`, and drops everything before it", async () => {
    const id = await newTask();
    expect(await append(id, "", 6)).toEqual({ totalBytes: 0, droppedBytes: 0 });
    await append(id, "0123", 6);
    expect(await append(id, "abcdefghij", 6)).toEqual({ totalBytes: 14, droppedBytes: 8 });
    expect(await chunks(id)).toEqual(["efghij"]);
    expect((await readOutput(id))!.text).toBe("efghij");
  });

  it("cuts inside a UTF-8 sequence on bytes and reads the tail without the broken character", async () => {
    const id = await newTask();
    await append(id, "ééé", 10); // 6 bytes
    await append(id, "xxxxx", 10); // 11 in all: the cut falls inside the first "é"
    const stored = await db().$queryRaw<Array<{ n: number }>>`
      SELECT sum(octet_length(content))::int AS n FROM task_output_chunks WHERE subtask_id = ${id}::uuid`;
    expect(stored[0]!.n).toBe(10);
    expect(await readOutput(id)).toEqual({ attempt: 1, text: "ééxxxxx", totalBytes: 11, droppedBytes: 1 });
  });
});
