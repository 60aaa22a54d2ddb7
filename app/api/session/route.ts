import { handler, json, readBodyText, requireJsonContentType, zodToError } from "@/lib/api/handler";
import { sessionBody } from "@/lib/api/schemas";
import { isOperatorAuthEnabled, isOperatorRequest, isOperatorToken, operatorCookie, operatorSessionValue } from "@/lib/auth/operator";
import { SwitchyardError } from "@/lib/errors";
import { assertAuthNotThrottled, recordAuthFailure } from "@/lib/auth/auth-throttle";

function isHttps(req: Request): boolean {
  return (req.headers.get("x-forwarded-proto") ?? new URL(req.url).protocol.replace(":", "")) === "https";
}

/** Where to go after a form sign-in: a path on this site only (never `//host` or a URL). */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith("/api/") ? next : "/";
}

// GET /api/session – whether sign-in is required and whether this browser is signed in
export const GET = handler({ auth: "public" }, async ({ req }) => ({
  auth_required: isOperatorAuthEnabled(),
  signed_in: isOperatorRequest(req),
}));

// POST /api/session – sign in with the operator token (JSON, or the sign-in page's form); sets the httpOnly cookie
export const POST = handler({ auth: "public" }, async ({ req }) => {
  const isForm = (req.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded");
  if (!isForm) requireJsonContentType(req);
  const text = await readBodyText(req);
  let raw: unknown;
  if (isForm) {
    raw = Object.fromEntries(new URLSearchParams(text));
  } else {
    try {
      raw = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      throw new SwitchyardError("invalid_json", "request body is not valid JSON", { field: "body" });
    }
  }
  const parsed = sessionBody.safeParse(raw);
  if (!parsed.success) {
    if (isForm) return redirect(`/sign-in?error=invalid`);
    throw zodToError(parsed.error, "body", raw);
  }
  // Guessing is throttled per address, before the token is compared.
  assertAuthNotThrottled(req);
  if (!isOperatorAuthEnabled()) {
    if (isForm) return redirect(safeNext(parsed.data.next));
    return json({ signed_in: true, auth_required: false });
  }
  if (!isOperatorToken(parsed.data.token)) {
    recordAuthFailure(req);
    if (isForm) return redirect(`/sign-in?error=wrong${parsed.data.next ? `&next=${encodeURIComponent(safeNext(parsed.data.next))}` : ""}`);
    throw new SwitchyardError("unauthorized", "wrong operator token", { field: "token" });
  }
  const cookie = operatorCookie(operatorSessionValue(), { secure: isHttps(req) });
  if (isForm) return redirect(safeNext(parsed.data.next), cookie);
  return json({ signed_in: true, auth_required: true }, 200, { "set-cookie": cookie });
});

// DELETE /api/session – sign out (clears the cookie)
export const DELETE = handler({ auth: "public" }, async ({ req }) =>
  json({ signed_in: false, auth_required: isOperatorAuthEnabled() }, 200, { "set-cookie": operatorCookie(null, { secure: isHttps(req) }) }),
);

function redirect(location: string, cookie?: string): Response {
  const headers: Record<string, string> = { location, "cache-control": "no-store" };
  if (cookie) headers["set-cookie"] = cookie;
  return new Response(null, { status: 303, headers });
}
