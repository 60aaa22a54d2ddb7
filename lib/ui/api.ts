// Fetch helpers of the dashboard: JSON in and out, the API's error shape turned into an
// ApiError with its message, code and field.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; field?: string } };
    if (body.error) return new ApiError(res.status, body.error.code ?? "error", body.error.message ?? res.statusText, body.error.field);
  } catch {
    // not JSON
  }
  return new ApiError(res.status, "http_error", `${res.status} ${res.statusText || "request failed"}`);
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: "application/json", ...init?.headers }, cache: "no-store" });
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}

export async function getBinary(path: string): Promise<{ buffer: ArrayBuffer; headers: Headers }> {
  const res = await fetch(path, { cache: "no-store" });
  if (!res.ok) throw await toError(res);
  return { buffer: await res.arrayBuffer(), headers: res.headers };
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.field ? `${error.message}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
