/**
 * A search run's PNG charts (charts/error_vs_energy.png, error_vs_params.png,
 * hypervolume.png), from the same definitions the dashboard draws. A chart that cannot be
 * drawn is reported, not thrown: the run's other outputs matter more.
 */
import { join } from "node:path";
import { type ChartConfig, hypervolumeChart, runErrorChart } from "./definitions.js";
import type { RunPoints } from "./definitions.js";
import { chartsAvailable, renderChartPng } from "./render.ts";

export interface RunChartData extends RunPoints {
  hypervolume: { hypervolume: number[]; archiveHypervolume?: number[] } | null;
  /** The run's planned generations (the hypervolume chart's x range). */
  generations: number;
  seed: number;
}

export interface WrittenCharts {
  /** Paths relative to the run directory, e.g. `charts/hypervolume.png`. */
  files: string[];
  /** Why some or all charts were not drawn. */
  skipped?: string;
}

/** The run's charts by file name. */
export function runChartConfigs(run: RunChartData): [string, ChartConfig][] {
  return [
    ["error_vs_energy.png", runErrorChart(run, "energy", run)],
    ["error_vs_params.png", runErrorChart(run, "params", run)],
    ["hypervolume.png", hypervolumeChart(run.hypervolume, run.generations)],
  ];
}

/**
 * Draws the run's charts into `dir/charts`; stops at the first that fails and says why.
 *
 * @example
 * ```ts
 * const { files, skipped } = await writeRunCharts(runDir, data);
 * if (skipped) console.log(`charts not drawn: ${skipped}`);
 * ```
 */
export async function writeRunCharts(dir: string, run: RunChartData): Promise<WrittenCharts> {
  const ready = await chartsAvailable();
  if (ready !== true) return { files: [], skipped: ready };
  await Deno.mkdir(join(dir, "charts"), { recursive: true });
  const files: string[] = [];
  for (const [file, config] of runChartConfigs(run)) {
    const path = join("charts", file);
    try {
      await Deno.writeFile(join(dir, path), await renderChartPng(config));
    } catch (e) {
      return { files, skipped: `${path}: ${(e as Error).message.split("\n")[0]}` };
    }
    files.push(path);
  }
  return { files };
}
