// Terminal output as plain text: ANSI escape sequences (colours, cursor moves, OSC
// titles and links) removed, carriage-return progress lines collapsed to their last state.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
const OTHER_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "").replace(OTHER_CONTROLS, "");
}

/** `50%\r60%\r70%\n` shows as `70%`: each line keeps what follows its last lone carriage return. */
export function collapseCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const i = line.lastIndexOf("\r");
      return i < 0 ? line : line.slice(i + 1);
    })
    .join("\n");
}

export function terminalText(text: string): string {
  return collapseCarriageReturns(stripAnsi(text));
}
