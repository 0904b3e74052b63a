/** Chart specs of the library: power against error, one series per family. */
import type { ScatterSeries, ScatterSpec } from "../charts/render.ts";
import type { MultiplierInfo } from "./info.ts";

export interface LibraryChart {
  /** File name, e.g. power_vs_mae.png. */
  file: string;
  spec: ScatterSpec;
}

const ERRORS = [
  {
    key: "maePct",
    file: "power_vs_mae.png",
    label: "MAE (% of 2^16)",
    title: "mean absolute error",
  },
  { key: "wcePct", file: "power_vs_wce.png", label: "WCE (% of 2^16)", title: "worst-case error" },
] as const;

/**
 * Power (model estimate, mW) against MAE% and WCE% on a log axis. Circuits without error
 * cannot sit on a log axis: they are drawn at a tenth of the smallest error in the set and
 * labelled so.
 */
export function libraryCharts(infos: MultiplierInfo[]): LibraryChart[] {
  return ERRORS.map(({ key, file, label, title }) => {
    const positive = infos.map((m) => m.metrics[key]).filter((x) => x > 0);
    const floor = positive.length ? Math.min(...positive) / 10 : 1e-3;
    const families = [...new Set(infos.filter((m) => m.metrics[key] > 0).map((m) => m.family))];
    const series: ScatterSeries[] = families.map((family) => ({
      label: family,
      points: infos
        .filter((m) => m.family === family && m.metrics[key] > 0)
        .map((m) => ({ x: m.metrics[key], y: m.powerMw, label: m.name })),
    }));
    const exact = infos.filter((m) => m.metrics[key] === 0);
    if (exact.length) {
      series.push({
        label: `no error (drawn at ${floor.toPrecision(2)})`,
        points: exact.map((m) => ({ x: floor, y: m.powerMw, label: m.name })),
        color: "#000000",
        radius: 6,
      });
    }
    return {
      file,
      spec: {
        title: `8x8 multipliers: model power vs ${title} (${infos.length} circuits)`,
        xLabel: label,
        yLabel: "power, mW (model estimate, exact = 0.391 mW)",
        xLog: true,
        series,
      },
    };
  });
}
