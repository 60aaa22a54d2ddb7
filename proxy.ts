// Next 16 proxy (formerly middleware): with SWITCHYARD_OPERATOR_TOKEN set, a page request
// without the operator's sign-in cookie (or Bearer token) is sent to /sign-in. API routes
// check their own auth (lib/api/handler.ts) and answer 401 JSON instead of redirecting;
// socket.io checks the handshake (lib/auth/operator.ts isOperatorHandshake).
import { NextResponse, type NextRequest } from "next/server";
import { isOperatorCredential } from "@/lib/auth/operator";

export function proxy(request: NextRequest) {
  if (isOperatorCredential(request.headers.get("authorization"), request.headers.get("cookie"))) return NextResponse.next();
  const signIn = new URL("/sign-in", request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== "/") signIn.searchParams.set("next", next);
  return NextResponse.redirect(signIn, 307);
}

export const config = {
  // Every page except the sign-in page itself, the API, Next's static assets and socket.io.
  matcher: ["/((?!api/|sign-in|_next/static|_next/image|favicon\\.ico|socket\\.io|robots\\.txt).*)"],
};
