/**
 * The comparison's outputs in a run directory: compare.md (how every figure was measured,
 * the targets, the table), compare.csv, and two PNG charts with both sides on one pair of
 * axes.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic_file.ts";
import { chartsAvailable, renderScatterPng, type ScatterSeries } from "../../charts/render.ts";
import { budgetText } from "../baselines/settings.ts";
import type { BaselineInput, RunInput } from "./inputs.ts";
import {
  type CompareRow,
  type Comparison,
  ENERGY_SAVING_TARGET,
  ENERGY_TOLERANCE_POINTS,
  SIZE_TOLERANCE_POINTS,
} from "./compare.ts";
import {
  calibrationText,
  compensationText,
  ENERGY_TEXT,
  type MeasuredHow,
  pct,
  recipeText,
} from "../protocol.ts";

/** How each side was measured, as read from a model file of each (when there is one). */
export interface SidesMeasured {
  evolved: MeasuredHow;
  baseline: MeasuredHow;
}

const CSV_HEAD = [
  "network",
  "side",
  "variant",
  "params",
  "mults",
  "multipliers",
  "energy_nJ",
  "energy_vs_reference_exact",
  "test_float_acc",
  "test_exact8_acc",
  "test_approx8_acc",
  "test_images",
];

export function compareCsv(c: Comparison): string {
  const rows = c.rows.map((r) =>
    [
      r.network,
      r.side,
      r.variant,
      r.params,
      r.mults,
      r.multipliers,
      r.energyNj.toFixed(4),
      (r.energyNj / c.reference.exactEnergyNj).toFixed(4),
      pct(r.float),
      pct(r.exact8),
      pct(r.approx8),
      r.images,
    ].join(",")
  );
  return [CSV_HEAD.join(","), ...rows].join("\n") + "\n";
}

/** The differences between the run's final retraining and the baselines' training. */
export function protocolDifferences(run: RunInput, baselines: BaselineInput): string[] {
  const f = run.config.final, s = baselines.settings;
  const out: string[] = [];
  const differ = (what: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${what}: search ${a}, baselines ${b}`);
  };
  differ("epochs", f.epochs, s.epochs);
  differ("training images", f.trainImages, s.trainImages);
  differ("held-out images", f.validationImages ?? 0, s.heldOutImages);
  differ("calibration images", run.config.candidate.calibrationImages, s.calibrationImages);
  differ("bias correction", run.config.candidate.compensate, s.compensate);
  differ("weight tuning", run.config.candidate.tuneWeights === true, s.tuneWeights === true);
  const images = new Set(
    [...run.finals.map((r) => r.test.images), ...baselines.results.map((r) => r.test.images)],
  );
  if (images.size > 1) out.push(`test images: ${[...images].join(" and ")}`);
  return out;
}

function bothSides(what: string, evolved: string, baseline: string): string {
  return evolved === baseline
    ? `- ${what}, both sides: ${evolved}.`
    : `- ${what}: evolved networks ${evolved}; baselines ${baseline}.`;
}

function measuredText(
  run: RunInput,
  baselines: BaselineInput,
  how: SidesMeasured,
): string[] {
  const f = run.config.final;
  const images = [...new Set(run.finals.map((r) => r.test.images))].join(", ");
  const held = f.validationImages ?? 0;
  const lines = [
    "## How every figure was measured",
    "",
    `- Evolved networks (${
      (run.sources ?? [{ path: run.path, preset: run.config.preset, seed: run.config.seed }])
        .map((s) => `${s.path}, preset '${s.preset}', seed ${s.seed}`).join("; ")
    }): ` +
    `the search's Pareto set retrained ${f.epochs} epoch(s) on ${
      f.trainImages.toLocaleString("en")
    } training images` +
    (held ? ` (${held.toLocaleString("en")} more held out)` : "") +
    `; ${recipeText(how.evolved.recipe)}.`,
    `- Baselines (${baselines.path}), by the search's own final-retraining code: trained ` +
    `${budgetText(baselines.settings)}; ${recipeText(how.baseline.recipe)}.`,
    `- Test set: the CIFAR-10 test images (${images} per network). Float: float32 engine, ` +
    `batch-norm running statistics. Exact 8-bit: every conv and dense product through the ` +
    `exact 8x8 multiplier. Approximate 8-bit: through the row's multiplier.`,
    bothSides(
      "Calibration",
      calibrationText(how.evolved.calibration),
      calibrationText(how.baseline.calibration),
    ),
    bothSides(
      "Bias correction",
      compensationText(run.config.candidate.compensate, run.config.candidate.tuneWeights),
      compensationText(baselines.settings.compensate, baselines.settings.tuneWeights),
    ),
    `- Energy: ${ENERGY_TEXT}.`,
  ];
  if (held && f.refineTolerance !== undefined) {
    lines.push(
      `- Re-chosen multipliers (variant "re-chosen"), both sides alike: after retraining, ` +
        `the cheapest multiplier of the search's list for the whole network within ${
          (100 * f.refineTolerance).toFixed(1)
        } point(s) of exact 8-bit on the held-out training images, then layer by layer ` +
        `(those with at least 2% of the multiplications, largest first) the cheapest that ` +
        `keeps the network within that tolerance; measured once on the test set.`,
    );
  }
  const diff = protocolDifferences(run, baselines);
  lines.push(
    "",
    diff.length
      ? `**The two sides were not trained and measured alike**: ${diff.join("; ")}.`
      : "Both sides were trained and measured alike (same budget, calibration, bias correction and test images).",
  );
  if (run.failed.length) {
    lines.push(
      "",
      `Retraining failed for: ${run.failed.map((r) => `${r.id} (${r.error})`).join("; ")}.`,
    );
  }
  return lines;
}

function tableLines(c: Comparison): string[] {
  const ref = c.reference;
  const lines = [
    `| network | side | parameters | multiplications | multiplier(s) | energy nJ | energy vs exact ${ref.network} | float % | exact 8-bit % | approx. 8-bit % |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of c.rows) {
    const ratio = r.energyNj / ref.exactEnergyNj;
    lines.push(
      `| ${r.network} | ${r.side} | ${r.params.toLocaleString("en")} | ${
        r.mults.toLocaleString("en")
      } | ${r.multipliers}${r.variant === "re-chosen" ? " (re-chosen)" : ""} | ${
        r.energyNj.toFixed(1)
      } | ${ratio < 1 ? `${(100 * (1 - ratio)).toFixed(1)}% less` : `${ratio.toFixed(2)}x`} | ${
        pct(r.float)
      } | ${pct(r.exact8)} | ${pct(r.approx8)} |`,
    );
  }
  return lines;
}

/** The targets in a few lines, for stdout. */
export function targetSummary(c: Comparison): string {
  return [c.size.text, c.energy.text, c.energy.referenceText ?? ""].filter(Boolean).join("\n");
}

export function compareMarkdown(
  run: RunInput,
  baselines: BaselineInput,
  c: Comparison,
  how: SidesMeasured,
  chartsNote = "",
): string {
  return [
    `# Evolved networks beside human-designed ones`,
    "",
    ...measuredText(run, baselines, how),
    "",
    "## Targets",
    "",
    `- ${c.size.text}`,
    `- ${c.energy.text}${c.energy.referenceText ? ` ${c.energy.referenceText}` : ""}`,
    "",
    "## All networks",
    "",
    ...tableLines(c),
    ...(chartsNote ? ["", chartsNote] : []),
  ].join("\n") + "\n";
}

const EVOLVED_COLOR = "#1f77b4", RECHOSEN_COLOR = "#2ca02c", TARGET_COLOR = "#7f7f7f";
const BASELINE_COLORS = ["#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

function chartSeries(
  c: Comparison,
  x: (r: CompareRow) => number,
  y: (r: CompareRow) => number,
  evolvedVariants: CompareRow["variant"][],
): ScatterSeries[] {
  const series: ScatterSeries[] = [];
  const evolved = c.rows.filter((r) => r.side === "evolved");
  for (const v of evolvedVariants) {
    const rows = evolved.filter((r) => r.variant === v);
    if (!rows.length) continue;
    series.push({
      label: v === "search" ? "evolved (search's multiplier)" : "evolved (re-chosen multiplier)",
      points: rows.map((r) => ({ x: x(r), y: y(r), label: r.network })),
      color: v === "search" ? EVOLVED_COLOR : RECHOSEN_COLOR,
      radius: 6,
    });
  }
  const networks = [...new Set(c.rows.filter((r) => r.side === "baseline").map((r) => r.network))];
  networks.forEach((n, i) => {
    series.push({
      label: n,
      points: c.rows.filter((r) => r.side === "baseline" && r.network === n)
        .map((r) => ({ x: x(r), y: y(r), label: r.multipliers })),
      color: BASELINE_COLORS[i % BASELINE_COLORS.length],
      radius: 4,
    });
  });
  return series;
}

export const CHART_FILES = [
  join("charts", "compare_accuracy_vs_energy.png"),
  join("charts", "compare_accuracy_vs_params.png"),
];

/** Draws the two charts into RUN/charts (charts must be available); returns their paths. */
export async function writeCompareCharts(runPath: string, c: Comparison): Promise<string[]> {
  await Deno.mkdir(join(runPath, "charts"), { recursive: true });
  const ref = c.reference;
  const acc = (v: number) => 100 * v;
  const all = c.rows;
  const top = Math.max(...all.map((r) => acc(Math.max(r.approx8, r.exact8)))) + 1;

  // Accuracy vs energy: approximate 8-bit; the target (b) region is up and to the left.
  const energies = all.map((r) => r.energyNj).filter((e) => e > 0);
  const energySeries = chartSeries(c, (r) => r.energyNj, (r) => acc(r.approx8), [
    "search",
    "re-chosen",
  ]);
  const floorB = acc(ref.exact8) - ENERGY_TOLERANCE_POINTS;
  const edgeB = (1 - ENERGY_SAVING_TARGET) * ref.exactEnergyNj;
  energySeries.push({
    label: `target (b): upper left`,
    points: [
      { x: Math.min(...energies) * 0.8, y: floorB },
      { x: edgeB, y: floorB },
      { x: edgeB, y: Math.max(top, floorB + 1) },
    ],
    color: TARGET_COLOR,
    line: true,
    radius: 0,
  });
  const [energyFile, paramFile] = CHART_FILES;
  await Deno.writeFile(
    join(runPath, energyFile),
    await renderScatterPng({
      title: `Test accuracy in approximate 8-bit vs energy per inference (target b: at least ` +
        `${100 * ENERGY_SAVING_TARGET}% less than exact ${ref.network}, within ` +
        `${ENERGY_TOLERANCE_POINTS} point)`,
      width: 1100,
      xLabel: "Energy of the multiplications per inference (nJ, model estimate)",
      yLabel: "Test accuracy, approximate 8-bit (%)",
      xLog: true,
      series: energySeries,
    }),
  );

  // Accuracy vs parameters: exact 8-bit; the target (a) region is up and to the left.
  const params = all.map((r) => r.params);
  const paramSeries = chartSeries(c, (r) => r.params, (r) => acc(r.exact8), ["search"]);
  const floorA = acc(ref.exact8) - SIZE_TOLERANCE_POINTS;
  paramSeries.push({
    label: `target (a): upper left`,
    points: [
      { x: Math.min(...params) * 0.8, y: floorA },
      { x: ref.params, y: floorA },
      { x: ref.params, y: Math.max(top, floorA + 1) },
    ],
    color: TARGET_COLOR,
    line: true,
    radius: 0,
  });
  await Deno.writeFile(
    join(runPath, paramFile),
    await renderScatterPng({
      title: `Test accuracy in exact 8-bit vs parameters (target a: at most ${ref.network}'s, ` +
        `within ${SIZE_TOLERANCE_POINTS} points)`,
      width: 1100,
      xLabel: "Parameters",
      yLabel: "Test accuracy, exact 8-bit (%)",
      xLog: true,
      series: paramSeries,
    }),
  );
  return CHART_FILES;
}

/** Writes compare.md, compare.csv and the charts into `opts.out` (default: the run's directory). */
export async function writeComparison(
  run: RunInput,
  baselines: BaselineInput,
  c: Comparison,
  how: SidesMeasured,
  opts: { charts?: boolean; out?: string } = {},
): Promise<{ files: string[]; chartsSkipped?: string }> {
  const out = opts.out ?? run.path;
  await Deno.mkdir(join(out, "charts"), { recursive: true });
  const ready = opts.charts === false ? "charts not asked for" : await chartsAvailable();
  const note = ready === true
    ? `Charts: ${CHART_FILES.join(", ")}.`
    : `Charts not drawn (${ready}).`;
  await writeFileAtomic(join(out, "compare.md"), compareMarkdown(run, baselines, c, how, note));
  await writeFileAtomic(join(out, "compare.csv"), compareCsv(c));
  const charts = ready === true ? await writeCompareCharts(out, c) : [];
  return {
    files: ["compare.md", "compare.csv", ...charts].map((f) => join(out, f)),
    chartsSkipped: ready === true ? undefined : ready,
  };
}
