// The worker as a library: the loop behind `switchyard-agent`, its command runner and
// its command-line parser.
export { Worker, commandTimeoutMs, failureMessage } from "./worker.js";
export type { WorkerOptions } from "./worker.js";
export { runCommand } from "./run-command.js";
export type { CommandOutcome } from "./run-command.js";
export { renderTaskMarkdown } from "./task-markdown.js";
export { parseCli, USAGE } from "./cli-options.js";
export type { CliOptions, ParsedCli } from "./cli-options.js";
export { ProgressReporter, parseDirective, LineSplitter } from "./report-stream.js";
export type { Directive } from "./report-stream.js";
export { ClaudeStreamParser, parseClaudeJson, claudeOutcome, RESULT_FORMATS } from "./result-format.js";
export type { ResultFormat, ClaudeOutcome } from "./result-format.js";
export { runSwitchyard, submitRequest, markdownGoal, progressLine, SWITCHYARD_USAGE } from "./switchyard.js";
export { seed003Files, renderAgentTask, renderAgentResult, renderFinalOutput } from "./seed003-files.js";
