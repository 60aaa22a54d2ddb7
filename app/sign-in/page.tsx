// The operator's sign-in page: one field for SWITCHYARD_OPERATOR_TOKEN, posted as a plain
// form to POST /api/session, which sets the httpOnly cookie and redirects back.
export const metadata = { title: "Sign in · Switchyard" };

const messages: Record<string, string> = {
  wrong: "That is not the operator token.",
  invalid: "Enter the operator token.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const error = typeof params.error === "string" ? messages[params.error] : undefined;
  const next = typeof params.next === "string" && params.next.startsWith("/") && !params.next.startsWith("//") ? params.next : "/";
  return (
    <div className="flex items-center justify-center py-16">
      <form
        method="post"
        action="/api/session"
        className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h1 className="text-xl font-semibold">Sign in to Switchyard</h1>
        <p className="text-sm text-slate-600">This Switchyard requires the operator token (SWITCHYARD_OPERATOR_TOKEN).</p>
        <div className="space-y-1">
          <label htmlFor="token" className="block text-sm font-medium">
            Operator token
          </label>
          <input
            id="token"
            name="token"
            type="password"
            required
            autoComplete="current-password"
            autoFocus
            className="w-full rounded border border-slate-300 px-3 py-2"
          />
        </div>
        <input type="hidden" name="next" value={next} />
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <button type="submit" className="w-full rounded bg-slate-900 px-3 py-2 font-medium text-white hover:bg-slate-700">
          Sign in
        </button>
      </form>
    </div>
  );
}
