// Writes lib/api/route-table.ts from the route files (npm run gen:routes).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { renderRouteTable, scanRoutes } from "@/lib/api/route-scan";

const target = path.join(process.cwd(), "lib", "api", "route-table.ts");
const routes = scanRoutes();
writeFileSync(target, renderRouteTable(routes));
console.log(`lib/api/route-table.ts: ${routes.length} route files, ${routes.reduce((n, r) => n + r.methods.length, 0)} handlers`);
