#!/usr/bin/env node
// The installed `switchyard` command: runs the compiled CLI (dist/, built on install and on pack).
import "../dist/switchyard-main.js";
