// Writes packages/switchyard-client/src/openapi.gen.ts from the OpenAPI document (npm run gen:client).
import { writeFileSync } from "node:fs";
import { CLIENT_SCHEMA_FILE, renderClientSchema } from "@/lib/api/client-schema";

writeFileSync(CLIENT_SCHEMA_FILE, await renderClientSchema());
console.log(`${CLIENT_SCHEMA_FILE} written`);
