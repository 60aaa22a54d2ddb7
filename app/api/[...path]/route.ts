import { handler } from "@/lib/api/handler";
import { SwitchyardError } from "@/lib/errors";

// ANY /api/<unknown> – a JSON 404 in the one error shape (not Next's HTML page); operator-only like the rest
const unknownRoute = handler({}, async ({ req }) => {
  throw new SwitchyardError("not_found", `no such endpoint: ${req.method} ${new URL(req.url).pathname}`, { field: "path" });
});

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
