import { expect, test } from "@playwright/test";

// /docs renders the OpenAPI document with Swagger UI served from our own origin (no CDN),
// inside the CSP: no console errors, no request to another host.
test("/docs renders the OpenAPI document and finds the operations", async ({ page, baseURL }) => {
  const problems: string[] = [];
  const foreign: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(baseURL!) && !r.url().startsWith("data:")) foreign.push(r.url());
  });

  const doc = await (await page.request.get("/api/openapi.json")).json();
  expect(doc.servers).toEqual([expect.objectContaining({ url: baseURL })]);

  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: /Switchyard API/ })).toBeVisible();
  for (const [method, path] of [
    ["POST", "/api/orchestration/register"],
    ["POST", "/api/orchestration/assign"],
    ["POST", "/api/orchestration/complete"],
    ["GET", "/api/goals/{id}"],
  ] as const) {
    const op = page
      .locator(`.opblock-${method.toLowerCase()}`)
      .filter({ has: page.locator(".opblock-summary-path", { hasText: new RegExp(`^${path.replace(/[{}]/g, "\\$&")}$`) }) });
    await expect(op.first()).toBeVisible();
  }
  const count = await page.locator(".opblock").count();
  // Every operation, and every outgoing webhook the document describes, is one block.
  const operations = (group: Record<string, object> | undefined) =>
    Object.values(group ?? {}).reduce((n, ops) => n + Object.keys(ops).length, 0);
  expect(count).toBe(operations(doc.paths as Record<string, object>) + operations(doc.webhooks as Record<string, object> | undefined));

  // Open one: its parameters and responses render from the document.
  await page
    .locator(".opblock-summary-path", { hasText: /^\/api\/orchestration\/register$/ })
    .first()
    .click();
  await expect(page.locator(".opblock.is-open .responses-wrapper")).toContainText("201");
  expect(problems).toEqual([]);
  expect(foreign).toEqual([]);
});
