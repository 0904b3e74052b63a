/**
 * Which networks the final retraining takes from a run's evaluations: a few of the archive
 * (the most accurate, the best large one, a spread over energy), then any asked for by id.
 */
import type { EvolveConfig } from "../run/config.ts";
import type { EvaluationRecord } from "../run/record.ts";
import type { RunDir } from "../run/run_dir.ts";
import { retrainRefusal } from "../run/retrain_ids.ts";
import { archiveFront } from "../loop/front.ts";

/** Networks further than this below the best validation accuracy are not worth retraining. */
export const RETRAIN_WITHIN = 0.1;

/**
 * Up to `n` networks of the front within RETRAIN_WITHIN of the best validation accuracy
 * (the front's cheap end holds networks too small to be of use): the most accurate first,
 * then `also` (when given and not picked yet), then the rest spread evenly over their
 * energy range.
 */
export function pickForRetraining(
  front: EvaluationRecord[],
  n: number,
  also?: EvaluationRecord,
): EvaluationRecord[] {
  if (front.length === 0 || n === 0) return [];
  const best = front.reduce((a, b) => (a.objectives[0] <= b.objectives[0] ? a : b));
  const picks = [best];
  if (also && also.id !== best.id && n > 1) picks.push(also);
  const useful = front.filter((r) =>
    r.objectives[0] <= best.objectives[0] + RETRAIN_WITHIN && !picks.some((p) => p.id === r.id)
  ).sort((a, b) => a.energyNj - b.energyNj);
  const slots = n - picks.length;
  if (useful.length <= slots) return [...picks, ...useful];
  for (let i = 0; i < slots; i++) {
    picks.push(useful[Math.round((i * (useful.length - 1)) / Math.max(1, slots - 1))]);
  }
  return [...new Set(picks)];
}

/**
 * The candidates' short training underrates large networks: in the seed-1 default run a
 * 4.7-point lead in validation accuracy (49.1% against 44.4%, 81,242 against 15,834
 * parameters) became 11 points after retraining (82.4% against 71.4%). So the best
 * network (by validation accuracy) of the upper half of the parameter budget is retrained
 * too, even when smaller networks dominate it on the candidates' figures. The budget is
 * the run's parameter constraint, else the largest feasible network evaluated.
 */
export function capacityPick(
  config: EvolveConfig,
  evaluations: EvaluationRecord[],
): EvaluationRecord | undefined {
  const ok = evaluations.filter((r) =>
    r.violation === 0 && !r.error && r.validation && !r.reusedFrom
  );
  if (!ok.length) return undefined;
  const budget = config.constraints.maxParams ?? Math.max(...ok.map((r) => r.params));
  const large = ok.filter((r) => r.params >= budget / 2);
  if (!large.length) return undefined;
  return large.reduce((a, b) => (b.objectives[0] < a.objectives[0] ? b : a));
}

/** The networks the final retraining takes from a run's evaluations, in order. */
export function finalPicks(
  config: EvolveConfig,
  evaluations: EvaluationRecord[],
): EvaluationRecord[] {
  return pickForRetraining(
    archiveFront(evaluations),
    config.final.networks,
    capacityPick(config, evaluations),
  );
}

/** What the final retraining works on, in order and each once: finalPicks, then the
 * networks asked for by id (extraNetworks). */
export function retrainList(
  dir: RunDir,
  config: EvolveConfig,
  evaluations: EvaluationRecord[],
  extra: string[] = [],
): EvaluationRecord[] {
  const all = [...finalPicks(config, evaluations), ...extraNetworks(dir, evaluations, extra)];
  return [...new Map(all.map((r) => [r.id, r])).values()];
}

/** The evaluated networks `ids` names; an id that is not a trained, feasible candidate of
 * the run is an error naming it and the log. */
export function extraNetworks(
  dir: RunDir,
  evaluations: EvaluationRecord[],
  ids: string[],
): EvaluationRecord[] {
  const byId = new Map(evaluations.map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = byId.get(id);
    const why = retrainRefusal(r);
    if (why) {
      throw new Error(`--retrain: candidate '${id}' ${why} ${dir.file("evaluations.jsonl")}`);
    }
    return r!;
  });
}
