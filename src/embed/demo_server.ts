/**
 * The browser demo's server (`deno task demo`): the static page (web/demo/), the embedding
 * library bundled at start (as `deno task bundle` does), the engine, the offered model files
 * and CIFAR-10 test images. The page classifies in the browser; this only serves bytes.
 *
 *   GET /                    web/demo/index.html (and its other files by name)
 *   GET /lib/mod.js          the library (mod.ts bundled)
 *   GET /lib/approxnas.wasm  the engine
 *   GET /api/models          [{ id, label, ... }] the offered models
 *   GET /models/ID.apxnet    a model file, self-contained (converted on the fly if needed)
 *   GET /api/test?start=S&count=N  N test images (N * 3072 bytes), then their N labels
 *   GET /api/info            { classes, testImages }
 */
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleModule, engineBytes } from "./bundle.ts";
import { IMAGE_BYTES, type LabelledImages } from "../data/cifar10/format.ts";
import { localOnly } from "../util/local_http.ts";

const WEB_DIR = fileURLToPath(new URL("../../web/demo/", import.meta.url));

/** A model the page may pick. */
export interface DemoModel {
  id: string;
  label: string;
  /** Shown beside the label (e.g. recorded test accuracy). */
  details?: Record<string, unknown>;
  /** The bytes of a self-contained model file. */
  load(): Promise<Uint8Array>;
}

export interface TestImages extends LabelledImages {
  classes: readonly string[];
}

export interface DemoOptions {
  models: DemoModel[];
  /** The test images, loaded on first use. */
  testImages: () => Promise<TestImages>;
  hostname?: string;
  /** Default 8788; 0 picks a free one. */
  port?: number;
}

export interface RunningDemo {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Bundles the library, then serves the demo; close() stops it. */
export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const library = await bundleModule();
  const wasm = await engineBytes();
  const models = new Map(opts.models.map((m) => [m.id, m]));
  const modelBytes = new Map<string, Promise<Uint8Array>>();
  let test: Promise<TestImages> | undefined;
  const json = (data: unknown, status = 200) =>
    new Response(JSON.stringify(data), {
      status,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  const bytes = (data: Uint8Array, type: string, extra: Record<string, string> = {}) =>
    new Response(data as BodyInit, {
      headers: { "content-type": type, "cache-control": "no-store", ...extra },
    });

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (req.method !== "GET") return json({ error: `${req.method} is not served` }, 405);
    if (path === "/lib/mod.js") return bytes(library, TYPES[".js"]);
    if (path === "/lib/approxnas.wasm") return bytes(wasm, "application/wasm");
    if (path === "/api/models") {
      return json(opts.models.map((m) => ({ id: m.id, label: m.label, details: m.details ?? {} })));
    }
    if (path === "/api/info") {
      const t = await (test ??= opts.testImages());
      return json({ classes: t.classes, testImages: t.labels.length });
    }
    const model = /^\/models\/([^/]+)\.apxnet$/.exec(path);
    if (model) {
      const m = models.get(decodeURIComponent(model[1]));
      if (!m) return json({ error: `no model '${model[1]}'` }, 404);
      let p = modelBytes.get(m.id);
      if (!p) {
        modelBytes.set(m.id, p = m.load());
        p.catch(() => modelBytes.delete(m.id)); // a failed conversion may be retried
      }
      return bytes(await p, "application/octet-stream");
    }
    if (path === "/api/test") {
      const t = await (test ??= opts.testImages());
      const start = Number(url.searchParams.get("start") ?? 0);
      const count = Number(url.searchParams.get("count") ?? 0);
      const total = t.labels.length;
      if (
        !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 ||
        start + count > total
      ) {
        return json({
          error: `expected 0 <= start and 1 <= count with start + count <= ${total}, found ` +
            `start=${url.searchParams.get("start")} count=${url.searchParams.get("count")}`,
        }, 400);
      }
      const out = new Uint8Array(count * (IMAGE_BYTES + 1));
      out.set(t.images.subarray(start * IMAGE_BYTES, (start + count) * IMAGE_BYTES));
      out.set(t.labels.subarray(start, start + count), count * IMAGE_BYTES);
      return bytes(out, "application/octet-stream", { "x-test-images": String(total) });
    }
    const name = path === "/" ? "index.html" : path.slice(1);
    if (!/^[a-z0-9_-]+\.(html|js|css|svg)$/.test(name)) {
      return json({ error: `not found: ${path}` }, 404);
    }
    try {
      return bytes(await Deno.readFile(join(WEB_DIR, name)), TYPES[extname(name)]);
    } catch {
      return json({ error: `not found: ${path}` }, 404);
    }
  };

  const server = Deno.serve({
    hostname: opts.hostname ?? "127.0.0.1",
    port: opts.port ?? 8788,
    onListen: () => {},
    onError: (e) => json({ error: (e as Error).message }, 500),
  }, localOnly(handler));
  const addr = server.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    url: `http://${host}:${addr.port}/`,
    async close() {
      await server.shutdown();
    },
  };
}
