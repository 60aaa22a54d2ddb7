"use client";
// Submit a goal: text, context, an optional explicit plan (JSON), a preview of the
// decomposition (a dry run) before submitting.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { errorMessage } from "@/lib/ui/api";
import { usePreviewGoal, useSubmitGoal, type GoalSubmission } from "@/lib/ui/hooks";

const PLAN_PLACEHOLDER = `{"tasks": [
  {"key": "fetch", "name": "Fetch data", "required_skills": ["research"]},
  {"key": "report", "name": "Write report", "depends_on": ["fetch"]}
]}`;

export function GoalForm() {
  const router = useRouter();
  const [goal, setGoal] = useState("");
  const [context, setContext] = useState("");
  const [plan, setPlan] = useState("");
  const [planError, setPlanError] = useState<string | null>(null);
  const preview = usePreviewGoal();
  const submit = useSubmitGoal();

  function read(): GoalSubmission | null {
    setPlanError(null);
    const body: GoalSubmission = { goal: goal.trim() };
    if (context.trim()) body.context = context;
    if (plan.trim()) {
      try {
        body.plan = JSON.parse(plan);
      } catch (error) {
        setPlanError(`The plan is not valid JSON: ${(error as Error).message}`);
        return null;
      }
    }
    return body;
  }

  function onPreview() {
    const body = read();
    if (body) preview.preview(body);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const body = read();
    if (!body) return;
    try {
      const created = await submit.submit(body);
      setGoal("");
      setContext("");
      setPlan("");
      preview.reset();
      router.push(`/goals/${created.goal_id}`);
    } catch {
      // shown below from submit.error
    }
  }

  const error = planError ?? (submit.error ? errorMessage(submit.error) : preview.error ? errorMessage(preview.error) : null);
  const tasks = preview.data?.subtasks ?? [];
  const keyOf = new Map(tasks.map((t) => [t.uuid, t.key]));

  return (
    <form onSubmit={onSubmit} aria-label="Submit a goal" className="space-y-3">
      <div>
        <label htmlFor="goal-text" className="block text-sm font-medium text-slate-700">
          Goal
        </label>
        <input
          id="goal-text"
          name="goal"
          required
          value={goal}
          onChange={(e) => setGoal(e.target.value)}
          placeholder="e.g. develop authentication system, or research A, B and C"
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-slate-500 focus:outline-none"
        />
      </div>
      <div>
        <label htmlFor="goal-context" className="block text-sm font-medium text-slate-700">
          Context <span className="font-normal text-slate-400">(optional)</span>
        </label>
        <textarea
          id="goal-context"
          name="context"
          rows={2}
          value={context}
          onChange={(e) => setContext(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-slate-500 focus:outline-none"
        />
      </div>
      <details className="rounded-md border border-slate-200 px-3 py-2" open={plan !== "" || undefined}>
        <summary className="cursor-pointer text-sm font-medium text-slate-700">Explicit plan (JSON, optional)</summary>
        <label htmlFor="goal-plan" className="sr-only">
          Explicit plan as JSON
        </label>
        <textarea
          id="goal-plan"
          name="plan"
          rows={6}
          value={plan}
          onChange={(e) => setPlan(e.target.value)}
          placeholder={PLAN_PLACEHOLDER}
          spellCheck={false}
          className="mt-2 w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs focus:border-slate-500 focus:outline-none"
        />
      </details>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button
          type="button"
          onClick={onPreview}
          disabled={!goal.trim() || preview.isPending}
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
        >
          {preview.isPending ? "Previewing…" : "Preview"}
        </button>
        <button
          type="submit"
          disabled={!goal.trim() || submit.isPending}
          className="rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50"
        >
          {submit.isPending ? "Submitting…" : "Submit"}
        </button>
      </div>
      {preview.data && (
        <div data-testid="decomposition-preview" className="rounded-md border border-slate-200">
          <p className="border-b border-slate-200 bg-slate-50 px-3 py-2 text-xs text-slate-600">
            Preview: template <strong>{preview.data.template}</strong>, {tasks.length} task{tasks.length === 1 ? "" : "s"} (nothing stored
            yet)
          </p>
          <div className="max-h-64 overflow-auto">
            <table className="w-full text-left text-xs">
              <thead className="sticky top-0 bg-white text-slate-500">
                <tr>
                  <th className="px-3 py-1.5">Key</th>
                  <th className="px-3 py-1.5">Task</th>
                  <th className="px-3 py-1.5">Priority</th>
                  <th className="px-3 py-1.5">Skills</th>
                  <th className="px-3 py-1.5">After</th>
                  <th className="px-3 py-1.5">Status</th>
                </tr>
              </thead>
              <tbody>
                {tasks.map((t) => (
                  <tr key={t.uuid} className="border-t border-slate-100">
                    <td className="whitespace-nowrap px-3 py-1.5 font-mono">{t.key}</td>
                    <td className="px-3 py-1.5">{t.name}</td>
                    <td className="px-3 py-1.5">{t.priority}</td>
                    <td className="px-3 py-1.5">{t.required_skills.join(", ") || "–"}</td>
                    <td className="whitespace-nowrap px-3 py-1.5 font-mono">
                      {t.dependencies.map((d) => keyOf.get(d) ?? d).join(", ") || "–"}
                    </td>
                    <td className="px-3 py-1.5">
                      <StatusBadge kind="task" status={t.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </form>
  );
}
