// The `switchyard` command's entry point (see switchyard.ts).
import { runSwitchyard } from "./switchyard.js";

runSwitchyard(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`switchyard: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
