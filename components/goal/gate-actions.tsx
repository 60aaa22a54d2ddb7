"use client";
// The task panel's operator decisions of issue 10: at an approval gate approve, edit the
// result then approve, or reject with feedback; on a finished task "Re-run from here"
// (the task and everything downstream of it run again, optionally with a new description).
import { useState } from "react";
import { canTransition } from "@/lib/domain";
import { errorMessage } from "@/lib/ui/api";
import { useGateActions } from "@/lib/ui/steer-hooks";
import type { Task } from "@/lib/ui/types";

const button = "rounded-md px-3 py-1.5 text-xs font-medium disabled:cursor-not-allowed disabled:opacity-40";

/** A labelled text the operator writes (edited result, feedback, new description), with its submit and Back. */
function TextForm({
  id,
  label,
  value,
  onChange,
  rows = 4,
  mono = false,
  submit,
  onSubmit,
  onBack,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  rows?: number;
  mono?: boolean;
  submit: { label: string; className: string; disabled: boolean };
  onSubmit: () => void;
  onBack: () => void;
}) {
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <label htmlFor={id} className="block text-[11px] font-medium uppercase tracking-wide text-slate-500">
        {label}
      </label>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={rows}
        className={`w-full rounded-md border border-slate-300 p-2 ${mono ? "font-mono " : ""}text-xs`}
      />
      <div className="flex gap-2">
        <button type="submit" disabled={submit.disabled} className={`${button} ${submit.className}`}>
          {submit.label}
        </button>
        <button type="button" onClick={onBack} className={`${button} border border-slate-300`}>
          Back
        </button>
      </div>
    </form>
  );
}

export function GateActions({ task }: { task: Pick<Task, "uuid" | "goal_id" | "status" | "result" | "description" | "key"> }) {
  const { approve, reject, rerun } = useGateActions(task);
  const [mode, setMode] = useState<"none" | "edit" | "reject" | "rerun">("none");
  const [draft, setDraft] = useState("");
  // The editor starts from the agent's result, also when that result reaches the panel
  // after "Edit result" was clicked; once the operator types, their text is kept.
  const [typed, setTyped] = useState(false);
  const editorText = typed ? draft : (task.result ?? "");
  const busy = approve.isPending || reject.isPending || rerun.isPending;
  const error = approve.error ?? reject.error ?? rerun.error;
  const done = () => setMode("none");
  const awaiting = canTransition("subtask", "approve", task.status);
  const rerunnable = canTransition("subtask", "rerun", task.status);
  if (!awaiting && !rerunnable && !error) return null;

  return (
    <section
      aria-label="Operator decision"
      className="space-y-2 rounded-md border border-violet-200 bg-violet-50/40 p-3"
      data-testid="gate-actions"
    >
      {awaiting && (
        <>
          <p className="text-xs text-violet-900">This task waits for your approval; its dependents start once you approve.</p>
          {mode === "none" && (
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                disabled={busy}
                onClick={() => approve.mutate(undefined)}
                className={`${button} bg-violet-700 text-white hover:bg-violet-600`}
              >
                Approve
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setTyped(false);
                  setMode("edit");
                }}
                className={`${button} border border-violet-300 hover:bg-violet-100`}
              >
                Edit result
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setDraft("");
                  setMode("reject");
                }}
                className={`${button} border border-red-300 text-red-700 hover:bg-red-50`}
              >
                Reject
              </button>
            </div>
          )}
          {mode === "edit" && (
            <TextForm
              id="edited-result"
              label="Edited result"
              value={editorText}
              onChange={(text) => {
                setTyped(true);
                setDraft(text);
              }}
              rows={6}
              mono
              submit={{ label: "Approve edited result", className: "bg-violet-700 text-white hover:bg-violet-600", disabled: busy }}
              onSubmit={() => approve.mutate(editorText, { onSuccess: done })}
              onBack={done}
            />
          )}
          {mode === "reject" && (
            <TextForm
              id="reject-feedback"
              label="Feedback for the next attempt"
              value={draft}
              onChange={setDraft}
              submit={{
                label: "Reject with feedback",
                className: "bg-red-600 text-white hover:bg-red-500",
                disabled: busy || !draft.trim(),
              }}
              onSubmit={() => {
                if (draft.trim()) reject.mutate(draft, { onSuccess: done });
              }}
              onBack={done}
            />
          )}
        </>
      )}
      {rerunnable &&
        (mode === "rerun" ? (
          <TextForm
            id="rerun-description"
            label="Description for the re-run"
            value={draft}
            onChange={setDraft}
            submit={{ label: "Confirm re-run", className: "bg-slate-900 text-white hover:bg-slate-700", disabled: busy }}
            onSubmit={() => rerun.mutate(draft === task.description ? undefined : draft, { onSuccess: done })}
            onBack={done}
          />
        ) : (
          <div className="flex items-center gap-2">
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setDraft(task.description);
                setMode("rerun");
              }}
              className={`${button} border border-slate-300 bg-white hover:bg-slate-50`}
            >
              Re-run from here
            </button>
            <span className="text-xs text-slate-500">This task and everything downstream of it run again.</span>
          </div>
        ))}
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-xs text-red-800">
          {errorMessage(error)}
        </p>
      )}
    </section>
  );
}
