/**
 * A search run's Pareto set as CSV (one row per network, every figure) and Markdown (the
 * table a reader sees, with how each figure was measured).
 */
import type { Checkpoint, EvaluationRecord, FinalRecord } from "../run/record.ts";
import type { EvolveConfig } from "../run/config.ts";

const pct = (x: number | undefined) => (x === undefined ? "" : (100 * x).toFixed(2));
const multiplierList = (m: Record<string, string>) => [...new Set(Object.values(m))].join(" ");

export function paretoCsv(front: EvaluationRecord[], finals: FinalRecord[]): string {
  const head = [
    "id",
    "params",
    "mults",
    "multipliers",
    "energy_nJ",
    "exact_energy_nJ",
    "val_float_acc",
    "val_exact8_acc",
    "val_approx8_acc",
    "test_float_acc",
    "test_exact8_acc",
    "test_approx8_acc",
    "test_images",
    "final_epochs",
    "rechosen_multiplier",
    "rechosen_energy_nJ",
    "rechosen_val_exact8_acc",
    "rechosen_val_approx8_acc",
    "rechosen_test_approx8_acc",
    "model",
    "search_model",
    "summary",
  ];
  const rows = front.map((r) => {
    const f = finals.find((x) => x.id === r.id && !x.error);
    return [
      r.id,
      r.params,
      r.mults,
      multiplierList(r.multipliers),
      r.energyNj.toFixed(4),
      f ? f.exactEnergyNj.toFixed(4) : "",
      pct(r.validation?.float),
      pct(r.validation?.exact8),
      pct(r.validation?.approx8),
      pct(f?.test.float),
      pct(f?.test.exact8),
      pct(f?.test.approx8),
      f?.test.images ?? "",
      f?.epochs ?? "",
      f?.refined ? multiplierList(f.refined.multipliers) : "",
      f?.refined ? f.refined.energyNj.toFixed(4) : "",
      pct(f?.refined?.validation.exact8),
      pct(f?.refined?.validation.approx8),
      pct(f?.refined?.test.approx8),
      f?.model ?? "",
      r.model ?? "",
      JSON.stringify(r.summary),
    ].join(",");
  });
  return [head.join(","), ...rows].join("\n") + "\n";
}

export function paretoMarkdown(
  config: EvolveConfig,
  front: EvaluationRecord[],
  finals: FinalRecord[],
  checkpoint: Checkpoint,
  evaluations: number,
): string {
  const lines = [
    `# Pareto set of run (preset ${config.preset}, seed ${config.seed})`,
    "",
    `${checkpoint.completed} generations, ${evaluations} evaluations. Validation accuracy: networks trained ` +
    `${config.candidate.epochs} epoch(s) on ${config.candidate.trainImages} training images, measured on ` +
    `${config.candidate.validationImages} validation images carved from the training set, in 8 bits through their ` +
    `multiplier(s). Test accuracy: retrained ${config.final.epochs} epoch(s) on ${config.final.trainImages} training ` +
    `images, measured on the CIFAR-10 test set. Energy: multiplications per inference x the model estimate of each ` +
    `multiplier's energy (docs/multipliers.md). Approximate 8-bit: every product of conv and dense layers through ` +
    `the multiplier's table${
      config.candidate.compensate
        ? (config.candidate.tuneWeights
          ? ", each layer's weight bytes tuned to it (least error variance), then its mean " +
            "error folded into the layer biases (bias correction)"
          : ", its mean error folded into the layer biases (bias correction)")
        : ", no error compensation"
    }.`,
    "",
    "| id | params | mults | multipliers | energy nJ | val approx8 % | test float % | test exact8 % | test approx8 % | energy vs exact | re-chosen multiplier | its test approx8 % | its energy vs exact |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of front) {
    const f = finals.find((x) => x.id === r.id && !x.error);
    const saving = f ? `${(100 * (1 - f.energyNj / f.exactEnergyNj)).toFixed(1)}% less` : "";
    lines.push(
      `| ${r.id} | ${r.params.toLocaleString("en")} | ${r.mults.toLocaleString("en")} | ${
        multiplierList(r.multipliers)
      } | ` +
        `${r.energyNj.toFixed(3)} | ${pct(r.validation?.approx8)} | ${pct(f?.test.float)} | ${
          pct(f?.test.exact8)
        } | ` +
        `${pct(f?.test.approx8)} | ${saving} | ${
          f?.refined ? multiplierList(f.refined.multipliers) : ""
        } | ${pct(f?.refined?.test.approx8)} | ${
          f?.refined ? `${(100 * (1 - f.refined.energyNj / f.exactEnergyNj)).toFixed(1)}% less` : ""
        } |`,
    );
  }
  if (finals.some((f) => f.refined)) {
    const tol = finals.find((f) => f.refined)!.refined!.validation;
    lines.push(
      "",
      `Re-chosen multiplier: after retraining, every multiplier of the run's list was tried on ` +
        `${tol.images} training images held out of the retraining, cheapest first; the first whose ` +
        `approximate 8-bit accuracy was within ${
          (100 * tol.tolerance).toFixed(1)
        } point(s) of exact 8-bit was ` +
        `kept for the whole network; then each layer holding at least 2% of the multiplications, ` +
        `largest first, took the cheapest multiplier that kept the network within that tolerance. ` +
        `The result was measured once on the test set.`,
    );
  }
  lines.push("", ...savingSummary(finals));
  lines.push(
    "",
    "Hypervolume (normalised objectives, reference 1.1) by generation, of the parents' feasible front:",
    "",
  );
  lines.push(checkpoint.hypervolume.map((h, g) => `${g}: ${h.toFixed(4)}`).join(", "));
  if (checkpoint.archiveHypervolume) {
    lines.push(
      "",
      "and of the archive (every evaluation so far, never decreasing):",
      "",
      checkpoint.archiveHypervolume.map((h, g) => `${g}: ${h.toFixed(4)}`).join(", "),
    );
  }
  const failed = finals.filter((f) => f.error);
  if (failed.length) {
    lines.push(
      "",
      `Final retraining failed for: ${failed.map((f) => `${f.id} (${f.error})`).join("; ")}`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The retrained network that saves the most multiplication energy against itself with exact
 * multipliers while losing at most one point of test accuracy against its exact 8-bit run.
 */
export function bestSaving(finals: FinalRecord[], maxLoss = 0.01) {
  let best: { id: string; multiplier: string; saving: number; loss: number } | undefined;
  for (const f of finals) {
    if (f.error) continue;
    const options = [{ m: f.multipliers, e: f.energyNj, acc: f.test.approx8 }];
    if (f.refined) {
      options.push({
        m: f.refined.multipliers,
        e: f.refined.energyNj,
        acc: f.refined.test.approx8,
      });
    }
    for (const o of options) {
      const loss = f.test.exact8 - o.acc, saving = 1 - o.e / f.exactEnergyNj;
      if (loss <= maxLoss + 1e-12 && (!best || saving > best.saving)) {
        best = { id: f.id, multiplier: multiplierList(o.m), saving, loss };
      }
    }
  }
  return best;
}

function savingSummary(finals: FinalRecord[]): string[] {
  const ok = finals.filter((f) => !f.error);
  if (!ok.length) return [];
  const top = ok.reduce((a, b) => (a.test.float >= b.test.float ? a : b));
  const best = bestSaving(ok);
  return [
    `Best retrained network: ${top.id}, ${pct(top.test.float)}% float / ${
      pct(top.test.exact8)
    }% exact 8-bit test accuracy.`,
    best
      ? `Largest energy saving within 1 point of the same network in exact 8-bit (test set): ${best.id} with ` +
        `${best.multiplier}, ${(100 * best.saving).toFixed(1)}% less multiplication energy for ${
          (100 * best.loss).toFixed(2)
        } point(s).`
      : "No retrained network stays within 1 point of its exact 8-bit test accuracy.",
  ];
}
