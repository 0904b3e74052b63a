/**
 * The page's files (src/dashboard/static/), served by name: a fixed list, so no URL can
 * reach any other file. Read once, then kept in memory.
 */

const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/store.js": { file: "store.js", type: "text/javascript; charset=utf-8" },
  "/figures.js": { file: "figures.js", type: "text/javascript; charset=utf-8" },
  "/svg_chart.js": { file: "svg_chart.js", type: "text/javascript; charset=utf-8" },
  "/views.js": { file: "views.js", type: "text/javascript; charset=utf-8" },
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
};

const cache = new Map<string, Uint8Array>();

/** The asset served at `path`, or null when there is none. */
export async function staticAsset(
  path: string,
): Promise<{ body: Uint8Array<ArrayBuffer>; type: string } | null> {
  const asset = ASSETS[path];
  if (!asset) return null;
  let body = cache.get(asset.file);
  if (!body) {
    body = await Deno.readFile(new URL(`./static/${asset.file}`, import.meta.url));
    cache.set(asset.file, body);
  }
  return { body: body as Uint8Array<ArrayBuffer>, type: asset.type };
}

/** Every asset file name, for tests. */
export const ASSET_FILES: readonly string[] = [
  ...new Set(Object.values(ASSETS).map((a) => a.file)),
];
