/**
 * The end of a search: the networks of the Pareto set are retrained longer on the training
 * set and measured on the test set (float, exact 8-bit, approximate 8-bit), and exported as
 * model files. Resumable: networks already in final.jsonl are not retrained; `rechoose` runs
 * only the multiplier re-choice and the export again on them (final.jsonl's last line for an
 * id is the one that counts).
 */
import { join } from "node:path";
import type { Graph } from "../graph/graph.ts";
import type { EvolveConfig } from "./evolve_config.ts";
import type { EvaluationRecord, FinalRecord } from "./evolve_record.ts";
import { decodeGenome } from "./cgp/decode.ts";
import { hashString, type LibraryEntry, searchSpace } from "./evolve.ts";
import { archiveFront } from "./evolve_front.ts";
import { type RunDir, writeAtomic } from "./evolve_run_dir.ts";
import { deriveSeed } from "../train/recipe.ts";
import type { Refined } from "./evolve_refine.ts";

export interface FinalTask {
  id: string;
  graph: Graph;
  multipliers: Record<string, string>;
  seed: number;
  epochs: number;
  trainImages: number;
  calibrationImages: number;
  compensate: boolean;
  /** With `compensate`, weight bytes tuned to each multiplier too (src/quant/weight_tuning.ts). */
  tuneWeights: boolean;
  /** Re-choose the multiplier on the held-out validation images (src/search/evolve_refine.ts). */
  refine?: { tolerance: number; library: LibraryEntry[] };
  /** Written into the model file's metadata. */
  meta: Record<string, unknown>;
  /** The network already retrained (its model file): only re-choose and export again. */
  trained?: Uint8Array;
}

export interface FinalResult {
  test: { float: number; exact8: number; approx8: number; images: number };
  /** The re-chosen multiplier, its validation figures and its test accuracy. */
  refined?: Refined & { test: { approx8: number; images: number } };
  /** The retrained network as a model file (docs/model-format.md). */
  model: Uint8Array;
  seconds: number;
}

export interface FinalTrainer {
  retrain(task: FinalTask): Promise<FinalResult>;
}

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

export async function retrainFront(
  dir: RunDir,
  config: EvolveConfig,
  library: LibraryEntry[],
  /** Every evaluation of the run (finalPicks chooses among them). */
  evaluations: EvaluationRecord[],
  trainer: FinalTrainer,
  onDone?: (rec: FinalRecord) => void,
  /** Run the multiplier re-choice again on networks already retrained (no retraining). */
  rechoose = false,
  /** Ids of evaluated networks to retrain as well as the picks (a user's own choice). */
  extra: string[] = [],
): Promise<FinalRecord[]> {
  const space = searchSpace(config);
  const done = new Map((await dir.readFinal()).map((r) => [r.id, r]));
  // A re-choice works on what is retrained already; it never starts a retraining.
  const picks = retrainList(dir, config, evaluations, extra)
    .filter((r) => !rechoose || done.has(r.id));
  const exact = library[0];
  const jobs = picks.map(async (rec): Promise<FinalRecord> => {
    const have = done.get(rec.id);
    if (have && !(rechoose && !have.error)) return have;
    const graph = decodeGenome(space, Int32Array.from(rec.genome), { name: rec.id }).graph;
    const model = join("models", `${rec.id}.apxnet`);
    const base = {
      id: rec.id,
      summary: rec.summary,
      params: rec.params,
      mults: rec.mults,
      multipliers: rec.multipliers,
      energyNj: rec.energyNj,
      exactEnergyNj: (rec.mults * exact.energyPj) / 1000,
      epochs: config.final.epochs,
      trainImages: config.final.trainImages,
      model,
    };
    let out: FinalRecord;
    try {
      const r = await trainer.retrain({
        id: rec.id,
        graph,
        multipliers: rec.multipliers,
        seed: deriveSeed(config.seed, hashString(rec.phenotype), 0xf1),
        epochs: config.final.epochs,
        trainImages: config.final.trainImages,
        calibrationImages: config.candidate.calibrationImages,
        compensate: config.candidate.compensate,
        tuneWeights: config.candidate.tuneWeights === true,
        refine:
          config.final.refineTolerance !== undefined && (config.final.validationImages ?? 0) > 0
            ? { tolerance: config.final.refineTolerance, library }
            : undefined,
        meta: {
          search: { run: dir.path, id: rec.id, preset: config.preset, seed: config.seed },
          multipliers: rec.multipliers,
        },
        trained: have ? await Deno.readFile(dir.file(have.model)) : undefined,
      });
      await writeAtomic(dir.file(model), r.model);
      // A re-choice keeps the retraining's time: that is what the network cost.
      out = { ...base, test: r.test, refined: r.refined, seconds: have?.seconds ?? r.seconds };
    } catch (e) {
      out = {
        ...base,
        test: { float: NaN, exact8: NaN, approx8: NaN, images: 0 },
        seconds: 0,
        error: (e as Error).message,
      };
    }
    await dir.appendFinal(out);
    onDone?.(out);
    return out;
  });
  const results = await Promise.all(jobs);
  // Networks retrained in an earlier call (asked for then) stay in the run's results.
  const others = [...done.values()].filter((r) => !results.some((x) => x.id === r.id));
  return [...results, ...others];
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
    const why = !r
      ? "is not in"
      : r.violation > 0
      ? "breaks the run's constraints in"
      : r.error
      ? "failed in"
      : !r.validation
      ? "was not trained in"
      : undefined;
    if (why) {
      throw new Error(`--retrain: candidate '${id}' ${why} ${dir.file("evaluations.jsonl")}`);
    }
    return r!;
  });
}
