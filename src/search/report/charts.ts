/**
 * A search run's PNG charts: validation error against energy and against parameters (every
 * evaluation, the archive, the retrained networks on the test set), and the hypervolume by
 * generation. None when the canvas addon is not installed.
 */
import { join } from "node:path";
import type { Checkpoint, EvaluationRecord, FinalRecord } from "../run/record.ts";
import type { EvolveConfig } from "../run/config.ts";
import { chartsAvailable, renderScatterPng, type ScatterSeries } from "../../charts/render.ts";

/** Writes the charts under `dir`/charts; returns the files written (run-relative). */
export async function writeCharts(
  dir: string,
  config: EvolveConfig,
  all: EvaluationRecord[],
  front: EvaluationRecord[],
  finals: FinalRecord[],
  checkpoint: Checkpoint,
): Promise<string[]> {
  const ready = await chartsAvailable();
  if (ready !== true) return [];
  const evaluated = all.filter((r) => r.validation && !r.error && r.violation === 0);
  const err = (r: EvaluationRecord) => 100 * (1 - r.validation!.approx8);
  const frontSet = new Set(front.map((r) => r.id));
  const charts: [string, string, (r: EvaluationRecord) => number, boolean][] = [
    [
      "error_vs_energy.png",
      "Energy of multiplications per inference (nJ, model estimate)",
      (r) => r.energyNj,
      true,
    ],
    ["error_vs_params.png", "Parameters", (r) => r.params, true],
  ];
  const written: string[] = [];
  for (const [file, xLabel, x, xLog] of charts) {
    const series: ScatterSeries[] = [
      {
        label: "evaluated candidates",
        points: evaluated.filter((r) => !frontSet.has(r.id)).map((r) => ({ x: x(r), y: err(r) })),
        color: "#bbbbbb",
        radius: 3,
      },
      {
        // The front is non-dominated in three objectives: its projection onto two is not a
        // curve, so its points are not joined.
        label: "Pareto set of every evaluation, 3 objectives (validation)",
        points: front.map((r) => ({ x: x(r), y: err(r) })),
        color: "#1f77b4",
      },
    ];
    const tested = finals.filter((f) => !f.error);
    if (tested.length) {
      series.push({
        label: "retrained (test set)",
        points: tested.map((f) => ({ x: xOfFinal(f, file), y: 100 * (1 - f.test.approx8) })),
        color: "#d62728",
        radius: 5,
      });
    }
    const rechosen = tested.filter((f) => f.refined);
    if (rechosen.length) {
      series.push({
        label: "retrained, re-chosen multiplier (test set)",
        points: rechosen.map((f) => ({
          x: file.includes("energy") ? f.refined!.energyNj : f.params,
          y: 100 * (1 - f.refined!.test.approx8),
        })),
        color: "#2ca02c",
        radius: 5,
      });
    }
    await Deno.writeFile(
      join(dir, "charts", file),
      await renderScatterPng({
        title: `Error vs ${
          file.includes("energy") ? "energy" : "parameters"
        } (approximate 8-bit, seed ${config.seed})`,
        xLabel,
        yLabel: "Classification error (%)",
        xLog,
        series,
      }),
    );
    written.push(join("charts", file));
  }
  await Deno.writeFile(
    join(dir, "charts", "hypervolume.png"),
    await renderScatterPng({
      title: "Hypervolume of the feasible front by generation: parents and archive",
      xLabel: "Generation",
      xIntegers: true,
      yLabel: "Hypervolume (normalised objectives, reference 1.1)",
      series: [
        {
          label: "parents",
          points: checkpoint.hypervolume.map((y, x) => ({ x, y })),
          line: true,
        },
        ...(checkpoint.archiveHypervolume
          ? [{
            label: "archive (every evaluation so far)",
            points: checkpoint.archiveHypervolume.map((y, x) => ({ x, y })),
            line: true,
            color: "#2ca02c",
          }]
          : []),
      ],
    }),
  );
  written.push(join("charts", "hypervolume.png"));
  return written;
}

function xOfFinal(f: FinalRecord, file: string): number {
  return file.includes("energy") ? f.energyNj : f.params;
}
