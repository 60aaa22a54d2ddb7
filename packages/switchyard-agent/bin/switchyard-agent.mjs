#!/usr/bin/env node
// The installed command: runs the compiled worker (dist/, built by `npm run build` / on pack).
import "../dist/cli.js";
