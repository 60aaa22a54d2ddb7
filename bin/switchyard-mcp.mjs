#!/usr/bin/env node
// Runs bin/switchyard-mcp.ts through tsx, so `npx switchyard-mcp` works from a clone.
import { register } from "tsx/esm/api";

register();
await import("./switchyard-mcp.ts");
