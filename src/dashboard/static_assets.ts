/**
 * The page's files, served by name: a fixed list, so no URL can reach any other file. Read
 * once, then kept in memory. Besides src/dashboard/static/, the page loads the chart
 * definitions the run's PNGs use (at the URL its relative imports resolve to) and Chart.js's
 * UMD build from the npm package Deno installed, so it needs no network.
 */

const JS = "text/javascript; charset=utf-8";
const HTML = "text/html; charset=utf-8";
const here = (file: string) => new URL(`./static/${file}`, import.meta.url);

/** Chart.js's self-contained browser build, beside the ES module the import map names. */
async function chartJsUmd(): Promise<URL> {
  // Importing it makes Deno install the package (nodeModulesDir "auto") before it is read.
  await import("chart.js");
  return new URL("./chart.umd.min.js", import.meta.resolve("chart.js"));
}

const ASSETS: Record<string, { file: () => URL | Promise<URL>; type: string }> = {
  "/": { file: () => here("index.html"), type: HTML },
  "/index.html": { file: () => here("index.html"), type: HTML },
  "/style.css": { file: () => here("style.css"), type: "text/css; charset=utf-8" },
  "/app.js": { file: () => here("app.js"), type: JS },
  "/store.js": { file: () => here("store.js"), type: JS },
  "/figures.js": { file: () => here("figures.js"), type: JS },
  "/views.js": { file: () => here("views.js"), type: JS },
  "/favicon.svg": { file: () => here("favicon.svg"), type: "image/svg+xml" },
  // views.js imports "../../charts/definitions.js": from /views.js that is this URL.
  "/charts/definitions.js": {
    file: () => new URL("../charts/definitions.js", import.meta.url),
    type: JS,
  },
  "/vendor/chart.umd.min.js": { file: chartJsUmd, type: JS },
};

const cache = new Map<string, Uint8Array>();

/** The asset served at `path`, or null when there is none. */
export async function staticAsset(
  path: string,
): Promise<{ body: Uint8Array<ArrayBuffer>; type: string } | null> {
  const asset = ASSETS[path];
  if (!asset) return null;
  let body = cache.get(path);
  if (!body) {
    body = await Deno.readFile(await asset.file());
    cache.set(path, body);
  }
  return { body: body as Uint8Array<ArrayBuffer>, type: asset.type };
}

/** Every URL path with an asset, for tests. */
export const ASSET_PATHS: readonly string[] = Object.keys(ASSETS);
