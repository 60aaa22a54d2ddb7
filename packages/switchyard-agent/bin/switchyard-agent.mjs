#!/usr/bin/env node
// Runs bin/switchyard-agent.ts through tsx, so `npx switchyard-agent` works from a clone.
import { register } from "tsx/esm/api";

register();
await import("./switchyard-agent.ts");
