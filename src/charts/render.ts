/**
 * PNG scatter charts (power vs error, Pareto fronts) through chartjs-node-canvas.
 *
 * chartjs-node-canvas needs the `canvas` Node-API addon, which has to be built on machines
 * without its prebuilt binary (docs/multipliers.md lists the steps), so it is loaded only
 * when a chart is drawn: everything else works without it, and `chartsAvailable()` tells
 * callers (and tests) whether charts can be drawn here.
 */

export interface ScatterPoint {
  x: number;
  y: number;
  /** Shown in the tooltip-free PNG as nothing, kept for callers that annotate. */
  label?: string;
}

export interface ScatterSeries {
  label: string;
  points: ScatterPoint[];
  /** CSS colour; by default one of a fixed palette, in series order. */
  color?: string;
  /** Join the points in order with a line (e.g. a Pareto front). */
  line?: boolean;
  /** Marker radius in pixels (default 4). */
  radius?: number;
}

export interface ScatterSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ScatterSeries[];
  xLog?: boolean;
  yLog?: boolean;
  /** Whole-number x ticks only (generations, counts). */
  xIntegers?: boolean;
  /** Pixels; default 900 x 600. */
  width?: number;
  height?: number;
}

/** A palette that stays distinguishable for a dozen series. */
export const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
  "#000000",
  "#aec7e8",
];

/** The part of chartjs-node-canvas used here (its own types come with the package). */
type ChartModule = {
  ChartJSNodeCanvas: new (
    options: { width: number; height: number; backgroundColour?: string },
  ) => { renderToBuffer(config: unknown, mime?: string): Promise<Uint8Array> };
};

let loaded: Promise<ChartModule> | undefined;

function loadChartModule(): Promise<ChartModule> {
  // A literal specifier, so `deno install --entrypoint` sees (and builds) it. Inline because
  // deno.json's import map is not this module's to change; it can move there.
  // deno-lint-ignore no-import-prefix
  loaded ??= import("npm:chartjs-node-canvas@5.0.0") as Promise<ChartModule>;
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/**
 * Whether charts can be drawn here: true, or the reason they cannot (canvas not installed or
 * not built, missing permissions).
 */
export async function chartsAvailable(): Promise<true | string> {
  try {
    const { ChartJSNodeCanvas } = await loadChartModule();
    const probe = new ChartJSNodeCanvas({ width: 16, height: 16 });
    await probe.renderToBuffer({ type: "scatter", data: { datasets: [] } });
    return true;
  } catch (e) {
    return `charts unavailable: ${(e as Error).message.split("\n")[0]}`;
  }
}

/** Renders a scatter chart to PNG bytes. */
export async function renderScatterPng(spec: ScatterSpec): Promise<Uint8Array> {
  const { ChartJSNodeCanvas } = await loadChartModule();
  const width = spec.width ?? 900, height = spec.height ?? 600;
  const canvas = new ChartJSNodeCanvas({ width, height, backgroundColour: "white" });
  const config = {
    type: "scatter",
    data: {
      datasets: spec.series.map((s, i) => {
        const color = s.color ?? PALETTE[i % PALETTE.length];
        return {
          label: s.label,
          data: s.points.map((p) => ({ x: p.x, y: p.y })),
          backgroundColor: color,
          borderColor: color,
          pointRadius: s.radius ?? 4,
          showLine: s.line ?? false,
          borderWidth: s.line ? 1.5 : 1,
        };
      }),
    },
    options: {
      animation: false,
      responsive: false,
      plugins: {
        title: { display: true, text: spec.title, font: { size: 16 } },
        legend: { position: "bottom" }, // long series labels stay whole
      },
      scales: {
        x: {
          type: spec.xLog ? "logarithmic" : "linear",
          title: { display: true, text: spec.xLabel },
          ...(spec.xIntegers ? { ticks: { stepSize: 1, precision: 0 } } : {}),
        },
        y: {
          type: spec.yLog ? "logarithmic" : "linear",
          title: { display: true, text: spec.yLabel },
        },
      },
    },
  };
  return new Uint8Array(await canvas.renderToBuffer(config, "image/png"));
}
