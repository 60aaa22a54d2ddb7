// Operator sign-in in a real browser, against its own server started with
// SWITCHYARD_OPERATOR_TOKEN (the shared e2e server runs without one): a visit is sent to
// /sign-in, a wrong token is refused, the right one lands on the page asked for with the
// live socket connected, the pages run under the Content-Security-Policy without a
// single violation, and a goal's text containing HTML is shown as text.
import { expect, test } from "@playwright/test";
import { migrateDatabase } from "@/lib/db/migrate";
import { createDatabase, databaseUrl, dropDatabase, randomDatabaseName } from "@/lib/testing/database";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { saveScreenshot, waitForLive } from "./helpers";

const TOKEN = "e2e-sign-in-operator-token-0001-abcdef";
const PORT = Number(process.env.E2E_SIGN_IN_PORT ?? 4550);

let server: RunningServer;
let database: string;

test.beforeAll(async () => {
  database = randomDatabaseName("sy_e2e_signin");
  await createDatabase(database);
  await migrateDatabase(databaseUrl(database));
  server = await startServer({
    databaseUrl: databaseUrl(database),
    port: PORT,
    timeoutMs: 120_000,
    env: { SWITCHYARD_OPERATOR_TOKEN: TOKEN, SWEEP_INTERVAL_MS: "1000" },
  });
});

test.afterAll(async () => {
  await server?.stop();
  if (database) await dropDatabase(database);
});

test("the operator signs in once; pages, API calls and the live socket then work under the CSP", async ({ page, request }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|connect|apply)/i.test(message.text())) violations.push(message.text());
  });

  const html = '<img src=x onerror="window.__xss=1"><b>bold?</b>';
  const created = await request.post(`${server.url}/api/goals`, {
    headers: { authorization: `Bearer ${TOKEN}` },
    data: { goal: html, plan: { tasks: [{ key: "a", name: "<script>window.__xss=2</script>" }] } },
  });
  expect(created.status()).toBe(201);
  const goalId = (await created.json()).goal_id as string;

  await page.goto(`${server.url}/goals/${goalId}`);
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=%2Fgoals%2F${goalId}$`));
  await page.getByLabel("Operator token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That is not the operator token.")).toBeVisible();

  await page.getByLabel("Operator token").fill(TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${server.url}/goals/${goalId}`);
  await waitForLive(page);

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "sy_operator")!;
  expect(session.httpOnly).toBe(true);
  expect(session.value).not.toContain(TOKEN);
  expect(await page.evaluate(() => document.cookie)).not.toContain("sy_operator");

  // The goal's HTML is text on the page, and none of it ran.
  await expect(page.getByText(html).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  for (const path of ["/", "/agents", "/tensor"]) {
    await page.goto(server.url + path);
    await expect(page).toHaveURL(server.url + path);
    await waitForLive(page);
  }
  await saveScreenshot(page, "signed-in-tensor");
  expect(violations).toEqual([]);

  // Signing out: the API and the pages refuse the browser again.
  // (page.request sends the browser's cookie but, unlike the browser, no Origin: a write
  // carrying the cookie must say it comes from this origin.)
  const out = await page.request.delete(`${server.url}/api/session`, { headers: { origin: server.url } });
  expect(out.status()).toBe(200);
  await page.goto(server.url + "/agents");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fagents$/);
});
