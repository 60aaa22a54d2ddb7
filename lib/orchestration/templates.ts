// Built-in decomposition templates (seed 001): analysis, development, fan-out over listed
// items with an aggregate step, and a single generic task. Pure: text in, plan out.
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_S, type PlanTask, type PriorityLevel } from "@/lib/orchestration/types";

/** "agent": a planning agent decomposes the goal (planner "agent"). */
export type TemplateName = "analysis" | "development" | "fan_out" | "generic" | "explicit" | "llm" | "agent";

export interface Decomposition {
  template: TemplateName;
  tasks: PlanTask[];
}

const MAX_FAN_OUT = 200;

function task(
  n: number,
  name: string,
  description: string,
  skills: string[],
  priority: PriorityLevel,
  estimate: number,
  dependsOn: string[] = [],
): PlanTask {
  return {
    key: taskKey(n),
    name,
    description,
    requiredSkills: skills,
    priority,
    estimatedDurationS: estimate,
    dependsOn,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    timeoutS: DEFAULT_TIMEOUT_S,
  };
}

export function taskKey(n: number): string {
  return `T-${String(n).padStart(2, "0")}`;
}

const ANALYSIS_WORDS = /\b(analy[sz]e|analy[sz]ing|analysis|investigate|research|study|evaluate|assess|audit|examine|measure|survey)\b/i;
const DEVELOPMENT_WORDS = /\b(develop|build|implement|create|code|program|write|design|refactor|add|fix|ship|deploy|make)\b/i;

/** Skills for one item of a fan-out, from the verb of the request. */
const VERB_SKILLS: Array<[RegExp, string]> = [
  [/\btranslat/i, "translation"],
  [/\b(camera|image|photo|vision|video)/i, "vision"],
  [/\breview/i, "code_review"],
  [/\btest/i, "testing"],
  [/\b(analy[sz]|assess|evaluat|audit)/i, "data_analysis"],
  [/\b(summar|digest)/i, "summarization"],
  [/\b(write|draft|document)/i, "writing"],
  [/\b(scrap|crawl|fetch|download|collect)/i, "data_collection"],
];

function skillFor(text: string): string[] {
  const hit = VERB_SKILLS.find(([re]) => re.test(text));
  return hit ? [hit[1]] : [];
}

function splitList(text: string): string[] {
  return text
    .replace(/[.;!?]+\s*$/, "")
    .split(/\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s*;\s*/i)
    .map((s) => s.trim().replace(/^(the|a|an)\s+/i, ""))
    .filter((s) => s.length > 0);
}

interface FanOut {
  action: string;
  items: string[];
  summarize: boolean;
}

/** "do X for each of A, B, C", "X: A, B, C", "X (A, B, C)" or "X the 5 documents". */
export function detectFanOut(goal: string): FanOut | null {
  const text = goal.trim();
  const summarize = /\b(summar|aggregat|combine|merge|compile|report)/i.test(text);
  const forEach = /^(.*?)\bfor (?:each|every|all) of\s+(.+)$/i.exec(text) ?? /^(.*?)\beach of\s+(.+)$/i.exec(text);
  if (forEach) {
    const items = splitList(stripTrailingClause(forEach[2]!));
    if (items.length >= 2) return { action: forEach[1]!.trim() || text, items: items.slice(0, MAX_FAN_OUT), summarize };
  }
  const paren = /^(.*?)\(([^()]*,[^()]*)\)(.*)$/.exec(text);
  if (paren) {
    const items = splitList(paren[2]!);
    if (items.length >= 2)
      return { action: `${paren[1]!.trim()} ${paren[3]!.trim()}`.trim(), items: items.slice(0, MAX_FAN_OUT), summarize };
  }
  const colon = /^([^:]{3,}):\s*(.+)$/.exec(text);
  if (colon) {
    const items = splitList(stripTrailingClause(colon[2]!));
    if (items.length >= 2) return { action: colon[1]!.trim(), items: items.slice(0, MAX_FAN_OUT), summarize };
  }
  const counted = /^(.*?)\b(?:the|these|those|all|my)?\s*(\d{1,3})\s+([a-z][\w-]*s)\b(.*)$/i.exec(text);
  if (counted) {
    const n = Number(counted[2]);
    const noun = counted[3]!.replace(/s$/i, "");
    if (n >= 2 && n <= MAX_FAN_OUT) {
      return { action: text, items: Array.from({ length: n }, (_, i) => `${noun} ${i + 1}`), summarize };
    }
  }
  return null;
}

const PLURAL_PHRASE = /\b(?:the|these|those|all|my|each|every)\s+(?:\d{1,3}\s+)?[a-z][\w-]*s\b/i;
const COUNTED_PHRASE = /\b\d{1,3}\s+[a-z][\w-]*s\b/i;
const NAME_MAX = 80;

/**
 * A fan-out task is named by its item, not by the whole goal repeated: the request's
 * plural ("these 5 documents") becomes the item ("Translate intro.md to Chinese"); without
 * one, "Action: item" when short, else the item alone.
 */
export function fanOutTaskName(action: string, item: string): string {
  const base = stripTrailingClause(action).trim();
  const phrase = PLURAL_PHRASE.test(base) ? PLURAL_PHRASE : COUNTED_PHRASE.test(base) ? COUNTED_PHRASE : null;
  if (phrase) {
    const named = capitalize(base.replace(phrase, item).replace(/\s+/g, " ").trim());
    if (named.length <= NAME_MAX) return named;
  }
  const labelled = `${capitalize(base)}: ${item}`;
  return labelled.length <= 60 ? labelled : item.slice(0, NAME_MAX);
}

/** "A, B and C and summarize the results" → drop the trailing "and summarize …" clause. */
function stripTrailingClause(list: string): string {
  return list.replace(/\s*(?:,\s*)?(?:and|then)\s+(summar|aggregat|combine|merge|compile|report)\w*.*$/i, "");
}

export function decomposeWithTemplates(goal: string, context = ""): Decomposition {
  const fanOut = detectFanOut(goal);
  if (fanOut) {
    const skills = skillFor(fanOut.action);
    const items = fanOut.items.map((item, i) =>
      task(
        i + 1,
        fanOutTaskName(fanOut.action, item),
        `${fanOut.action} — item "${item}".${context ? `\nContext: ${context}` : ""}`,
        skills,
        1,
        120,
      ),
    );
    const aggregate = task(
      items.length + 1,
      fanOut.summarize ? "Summarize all results" : "Aggregate results",
      `Combine the results of ${items.map((t) => t.key).join(", ")} into one output for: ${goal}`,
      fanOut.summarize ? ["summarization"] : [],
      2,
      60,
      items.map((t) => t.key),
    );
    return { template: "fan_out", tasks: [...items, aggregate] };
  }
  const analysisAt = goal.search(ANALYSIS_WORDS);
  const developmentAt = goal.search(DEVELOPMENT_WORDS);
  const ctx = context ? `\nContext: ${context}` : "";
  if (analysisAt >= 0 && (developmentAt < 0 || analysisAt <= developmentAt)) {
    return {
      template: "analysis",
      tasks: [
        task(1, "Data Collection", `Collect the data needed to ${goal}.${ctx}`, ["data_collection"], 1, 300),
        task(2, "Data Analysis", `Analyse the collected data: ${goal}.${ctx}`, ["data_analysis"], 1, 600, ["T-01"]),
        task(3, "Report Generation", `Write a report of the findings for: ${goal}.${ctx}`, ["reporting"], 2, 300, ["T-02"]),
      ],
    };
  }
  if (developmentAt >= 0) {
    return {
      template: "development",
      tasks: [
        task(1, "Requirements Analysis", `Gather and write down the requirements to ${goal}.${ctx}`, ["requirements"], 0, 600),
        task(2, "Design Phase", `Design the solution: ${goal}.${ctx}`, ["design"], 1, 900, ["T-01"]),
        task(3, "Implementation", `Implement the design: ${goal}.${ctx}`, ["coding"], 1, 1800, ["T-02"]),
        task(4, "Testing", `Test the implementation: ${goal}.${ctx}`, ["testing"], 2, 900, ["T-03"]),
      ],
    };
  }
  return { template: "generic", tasks: [task(1, "Execute goal", `${goal}${ctx}`, [], 2, 300)] };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
