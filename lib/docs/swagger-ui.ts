// /docs: the OpenAPI document in Swagger UI, served from the swagger-ui-dist package (no
// CDN; the page loads only same-origin scripts and styles, within the CSP of next.config.mjs).
import { readFile } from "node:fs/promises";
import path from "node:path";

/** The files /docs/<asset> serves: two from swagger-ui-dist, the initializer is ours. */
const DIST_ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const INIT_JS = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
`;

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Switchyard API</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <p style="font-family: system-ui, sans-serif; margin: 12px 20px;"><a href="/">← Switchyard</a> · <a href="/api/openapi.json">openapi.json</a> · the socket protocol is in the README ("Live events over socket.io")</p>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

export async function docsAsset(name: string): Promise<{ body: string | Buffer; type: string } | null> {
  if (name === "init.js") return { body: INIT_JS, type: "text/javascript; charset=utf-8" };
  const type = DIST_ASSETS[name];
  if (!type) return null;
  const file = path.join(process.cwd(), "node_modules", "swagger-ui-dist", name);
  return { body: await readFile(file), type };
}
