/**
 * Drawing the chart definitions (definitions.js) to PNG on the host: Chart.js 4 on
 * @napi-rs/canvas, whose native binary ships inside an npm package
 * (@napi-rs/canvas-linux-x64-gnu), so nothing is built or downloaded from elsewhere.
 *
 * Both are loaded only when a chart is drawn, and `chartsAvailable()` says whether that
 * works here. Loading the addon needs `--allow-ffi` (narrowed to its folder,
 * CANVAS_ADDON_DIR), `--allow-sys=homedir` and
 * `--allow-env` for the variables it reads when it loads (CANVAS_ENV). Text is drawn with the
 * system's fonts (DejaVu on Debian).
 */
import { fileURLToPath } from "node:url";
import { type ChartConfig, scatterConfig, type ScatterSpec } from "./definitions.js";

export type { Point, ScatterSpec, Series as ScatterSeries } from "./definitions.js";
export { PALETTE } from "./definitions.js";

/** The folder of the canvas addon's native binary, which `--allow-ffi` must cover. */
export const CANVAS_ADDON_DIR = "node_modules/.deno/@napi-rs+canvas-linux-x64-gnu@1.1.1";

/**
 * Why the permissions cannot load the addon, or null. Queried first because the addon's
 * loader turns a refused load into "Cannot find native binding", which misleads.
 */
function missingPermission(): string | null {
  const addon = fileURLToPath(new URL(`../../${CANVAS_ADDON_DIR}`, import.meta.url));
  if (Deno.permissions.querySync({ name: "ffi", path: addon }).state !== "granted") {
    return `Deno runs without --allow-ffi for the canvas addon (${CANVAS_ADDON_DIR})`;
  }
  if (Deno.permissions.querySync({ name: "sys", kind: "homedir" }).state !== "granted") {
    return "Deno runs without --allow-sys=homedir, which the canvas addon needs for its fonts";
  }
  return null;
}

/** The environment variables @napi-rs/canvas reads when it loads. */
export const CANVAS_ENV = [
  "NAPI_RS_NATIVE_LIBRARY_PATH",
  "NAPI_RS_FORCE_WASI",
  "DISABLE_SYSTEM_FONTS_LOAD",
] as const;

export interface PngSize {
  /** Pixels; default 900 x 600. */
  width?: number;
  height?: number;
}

interface Canvas {
  encode(format: "png"): Promise<Uint8Array>;
}
interface Drawing {
  createCanvas(width: number, height: number): Canvas;
  // deno-lint-ignore no-explicit-any
  Chart: new (canvas: any, config: ChartConfig) => { destroy(): void };
  fontFamilies(): number;
}

let loaded: Promise<Drawing> | undefined;

async function loadDrawing(): Promise<Drawing> {
  const [chartJs, canvas] = await Promise.all([import("chart.js"), import("@napi-rs/canvas")]);
  chartJs.Chart.register(...chartJs.registerables);
  return {
    createCanvas: canvas.createCanvas,
    Chart: chartJs.Chart as unknown as Drawing["Chart"],
    fontFamilies: () => canvas.GlobalFonts.families.length,
  };
}

function drawing(): Promise<Drawing> {
  loaded ??= loadDrawing();
  return loaded;
}

let probe: Promise<true | string> | undefined;

/**
 * Whether charts can be drawn here: true, or the reason they cannot (a permission missing,
 * the addon not installed, no font for the text). Probed once per process.
 *
 * @example
 * ```ts
 * const ready = await chartsAvailable();
 * if (ready !== true) console.log(`charts not drawn: ${ready}`);
 * ```
 */
export function chartsAvailable(): Promise<true | string> {
  probe ??= (async () => {
    const missing = missingPermission();
    if (missing) return `charts unavailable: ${missing}`;
    try {
      const d = await drawing();
      if (d.fontFamilies() === 0) {
        return "charts unavailable: no system font for their text (apt-get install fonts-dejavu-core)";
      }
      await renderChartPng(scatterConfig({ title: "", xLabel: "", yLabel: "", series: [] }), {
        width: 16,
        height: 16,
      });
      return true;
    } catch (e) {
      return `charts unavailable: ${(e as Error).message.split("\n")[0]}`;
    }
  })();
  return probe;
}

/**
 * Draws one chart definition to PNG bytes.
 *
 * @example
 * ```ts
 * const png = await renderChartPng(hypervolumeChart(checkpoint, 10), { width: 900 });
 * ```
 */
export async function renderChartPng(config: ChartConfig, size: PngSize = {}): Promise<Uint8Array> {
  const d = await drawing();
  const canvas = d.createCanvas(size.width ?? 900, size.height ?? 600);
  const chart = new d.Chart(canvas, config);
  try {
    return new Uint8Array(await canvas.encode("png"));
  } finally {
    chart.destroy();
  }
}

/** Renders a scatter chart to PNG bytes. */
export async function renderScatterPng(spec: ScatterSpec & PngSize): Promise<Uint8Array> {
  return await renderChartPng(scatterConfig(spec), spec);
}
