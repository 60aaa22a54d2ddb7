"use client";
// Issue 9 on the agents page: the skills open tasks demand against those live agents
// offer; a skill nobody offers is what leaves tasks waiting.
import { Card, ErrorState, Loading } from "@/components/ui/states";
import { useSkillBalance } from "@/lib/ui/progress-hooks";

export function SkillBalanceCard() {
  const { skills, unroutable, isLoading, error } = useSkillBalance();
  return (
    <Card>
      <div className="flex items-baseline gap-3">
        <h2 className="text-sm font-semibold">Skills: demanded vs offered</h2>
        <span data-testid="unroutable-count" className={`text-xs ${unroutable > 0 ? "font-medium text-amber-700" : "text-slate-500"}`}>
          {unroutable === 0
            ? "every open task has a live agent that can take it"
            : `${unroutable} open task${unroutable === 1 ? "" : "s"} no live agent can take`}
        </span>
      </div>
      {isLoading ? (
        <Loading label="Loading skills…" />
      ) : error ? (
        <ErrorState error={error} title="Could not load the skills" />
      ) : skills.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">No open tasks and no live agents.</p>
      ) : (
        <table className="mt-2 w-full max-w-xl text-left text-sm" aria-label="Skills demanded and offered">
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-2 py-1">Skill</th>
              <th className="px-2 py-1 text-right">Open tasks need it</th>
              <th className="px-2 py-1 text-right">Live agents offer it</th>
            </tr>
          </thead>
          <tbody>
            {skills.map((s) => {
              const short = s.demanded > 0 && s.offered === 0;
              return (
                <tr
                  key={s.skill}
                  data-testid="skill-row"
                  data-skill={s.skill}
                  data-short={short}
                  className={`border-t border-slate-100 ${short ? "bg-amber-50" : ""}`}
                >
                  <td className="px-2 py-1 font-mono text-xs">{s.skill}</td>
                  <td className="px-2 py-1 text-right tabular-nums">{s.demanded}</td>
                  <td className={`px-2 py-1 text-right tabular-nums ${short ? "font-semibold text-amber-800" : ""}`}>{s.offered}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
