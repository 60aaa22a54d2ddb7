// The typed domain model (statuses, transitions, events): importable by the server, the
// browser and the typed client alike (no server-only imports here).
export * from "./statuses";
export * from "./transitions";
export * from "./events";
