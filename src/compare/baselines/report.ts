/**
 * The baselines' tables: every measured (network, multiplier) pair as CSV and Markdown,
 * headed by how every figure was obtained.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic_file.ts";
import { BASELINE_MODELS, displayName } from "./models.ts";
import type { BaselineResult } from "./dir.ts";
import { type BaselineSettings, budgetText } from "./settings.ts";
import {
  calibrationText,
  compensationText,
  ENERGY_TEXT,
  type MeasuredHow,
  pct,
  recipeText,
} from "../protocol.ts";

/** Networks in the registry's order, then each network's pairs from most to least energy. */
export function sortResults(results: BaselineResult[]): BaselineResult[] {
  const order = Object.keys(BASELINE_MODELS);
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...results].sort((a, b) =>
    rank(a.network) - rank(b.network) || a.network.localeCompare(b.network) ||
    b.energyNj - a.energyNj || a.multiplier.localeCompare(b.multiplier)
  );
}

const saving = (r: { energyNj: number; exactEnergyNj: number }) =>
  `${(100 * (1 - r.energyNj / r.exactEnergyNj)).toFixed(1)}%`;

export function baselineCsv(results: BaselineResult[]): string {
  const head = [
    "network",
    "params",
    "mults",
    "multiplier",
    "rechosen",
    "energy_nJ",
    "exact_energy_nJ",
    "test_float_acc",
    "test_exact8_acc",
    "test_approx8_acc",
    "test_images",
    "epochs",
    "train_images",
    "seed",
    "model",
  ];
  const rows = sortResults(results).map((r) =>
    [
      r.network,
      r.params,
      r.mults,
      r.multiplier,
      r.rechosen ? "yes" : "",
      r.energyNj.toFixed(4),
      r.exactEnergyNj.toFixed(4),
      pct(r.test.float),
      pct(r.test.exact8),
      pct(r.test.approx8),
      r.test.images,
      r.epochs,
      r.trainImages,
      r.seed,
      r.model,
    ].join(",")
  );
  return [head.join(","), ...rows].join("\n") + "\n";
}

/** How the baselines were trained and measured, one paragraph. */
export function baselineProtocolText(settings: BaselineSettings, how: MeasuredHow): string {
  return `Trained ${budgetText(settings)}; ${recipeText(how.recipe)}; one network per worker ` +
    `thread, exactly as the search retrains its Pareto set (its own final-retraining code). ` +
    `Measured on the CIFAR-10 test set: float (float32 engine, batch-norm running statistics), ` +
    `exact 8-bit and approximate 8-bit with every conv and dense product through the ` +
    `multiplier's table; ${calibrationText(how.calibration)}; bias correction: ${
      compensationText(
        how.compensate ?? settings.compensate,
        how.compensate === undefined ? settings.tuneWeights : how.tuneWeights,
      )
    }. Energy per inference: ${ENERGY_TEXT}.`;
}

export function baselineMarkdown(
  results: BaselineResult[],
  settings: BaselineSettings,
  how: MeasuredHow,
): string {
  const sorted = sortResults(results);
  const images = [...new Set(sorted.map((r) => r.test.images))].join(", ");
  const lines = [
    "# Baselines: human-designed networks measured as the search measures its own",
    "",
    baselineProtocolText(settings, how) + ` Test images: ${images || "none yet"}.`,
    "",
  ];
  if (settings.refineTolerance !== undefined) {
    lines.push(
      `Marked \\*: the multiplier the search's re-choice rule picks for the network (the cheapest of ` +
        `the preset's list within ${
          (100 * settings.refineTolerance).toFixed(1)
        } point(s) of exact 8-bit on the ` +
        `${settings.heldOutImages.toLocaleString("en")} held-out training images); the model ` +
        `files in models/ record it as their default multiplier, as the search's files do.`,
      "",
    );
  }
  lines.push(
    "| network | parameters | multiplications | multiplier | energy nJ | energy vs exact | float % | exact 8-bit % | approx. 8-bit % |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const r of sorted) {
    lines.push(
      `| ${displayName(r.network)} | ${r.params.toLocaleString("en")} | ${
        r.mults.toLocaleString("en")
      } | ${r.multiplier}${r.rechosen ? " \\*" : ""} | ${r.energyNj.toFixed(1)} | ${
        r.energyNj === r.exactEnergyNj ? "" : `${saving(r)} less`
      } | ${pct(r.test.float)} | ${pct(r.test.exact8)} | ${pct(r.test.approx8)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Writes baselines.md and baselines.csv into `dir`. */
export async function writeBaselineReport(
  dir: string,
  results: BaselineResult[],
  settings: BaselineSettings,
  how: MeasuredHow,
): Promise<void> {
  await writeFileAtomic(join(dir, "baselines.csv"), baselineCsv(results));
  await writeFileAtomic(join(dir, "baselines.md"), baselineMarkdown(results, settings, how));
}
