import { describe, expect, it } from "vitest";
import { applyPush, chunksAfter, ProgressStore, TAIL_CHARS } from "@/lib/ui/progress-store";
import { collapseCarriageReturns, stripAnsi, terminalText } from "@/lib/ui/ansi";
import type { ProgressPush } from "@/lib/realtime/protocol";

const usage = { input_tokens: 0, output_tokens: 0, cost_usd: 0, model: null };
const push = (p: Partial<ProgressPush>): ProgressPush => ({
  goal_id: "g",
  subtask_id: "t",
  attempt: 1,
  progress: null,
  message: null,
  output: "",
  output_truncated: false,
  output_bytes: 0,
  dropped_bytes: 0,
  usage,
  at: "",
  ...p,
});

describe("progress store", () => {
  it("appends output in order, keeps the latest progress, starts afresh on a newer attempt and ignores an older one", () => {
    let s = applyPush(undefined, push({ output: "a\n", output_bytes: 2, progress: 0.1 }));
    s = applyPush(s, push({ output: "b\n", output_bytes: 4, progress: 0.2, message: "m" }));
    expect(s.chunks.map((c) => c.text).join("")).toBe("a\nb\n");
    expect(s).toMatchObject({ progress: 0.2, message: "m", outputBytes: 4 });
    expect(applyPush(s, push({ attempt: 0, output: "old" }))).toBe(s);
    const next = applyPush(s, push({ attempt: 2, output: "c\n", output_bytes: 2 }));
    expect(next.chunks.map((c) => c.text)).toEqual(["c\n"]);
  });

  it("gives only the chunks a stored copy does not hold yet, and bounds the tail", () => {
    let s = applyPush(undefined, push({ output: "a\n", output_bytes: 2 }));
    s = applyPush(s, push({ output: "b\n", output_bytes: 4 }));
    expect(chunksAfter(s, 1, 2)).toBe("b\n");
    expect(chunksAfter(s, 1, 4)).toBe("");
    expect(chunksAfter(s, 2, 0)).toBe("");
    const big = "x".repeat(TAIL_CHARS / 2);
    for (let i = 0; i < 5; i++) s = applyPush(s, push({ output: big, output_bytes: 10 + i }));
    expect(s.chunks.reduce((n, c) => n + c.text.length, 0)).toBeLessThanOrEqual(TAIL_CHARS);
  });

  it("notifies only the listeners of the task a push touched", () => {
    const store = new ProgressStore();
    let a = 0;
    let b = 0;
    store.subscribe("t", () => a++);
    store.subscribe("u", () => b++);
    store.apply([push({ progress: 0.5 }), push({ progress: 0.6 })]);
    expect([a, b]).toEqual([1, 0]);
    expect(store.get("t")?.progress).toBe(0.6);
  });
});

describe("terminal text", () => {
  it("strips colours, cursor moves, OSC titles and other control characters, keeping newlines and tabs", () => {
    expect(stripAnsi("\u001b[1;31mred\u001b[0m plain\u001b[2K\u001b[1G\tx\n")).toBe("red plain\tx\n");
    expect(stripAnsi("\u001b]0;title\u0007ok \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\")).toBe("ok link");
    expect(stripAnsi("bell\u0007 back\u0008")).toBe("bell back");
  });
  it("collapses carriage-return progress lines to their last state", () => {
    expect(collapseCarriageReturns("10%\r50%\r100%\ndone\r\n")).toBe("100%\ndone\n");
    expect(terminalText("\u001b[32m1/3\u001b[0m\r\u001b[32m3/3\u001b[0m\n")).toBe("3/3\n");
  });
});
