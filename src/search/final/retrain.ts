/**
 * The end of a search: the networks of the Pareto set are retrained longer on the training
 * set and measured on the test set (float, exact 8-bit, approximate 8-bit), and exported as
 * model files. Resumable: networks already in final.jsonl are not retrained; `rechoose` runs
 * only the multiplier re-choice and the export again on them (final.jsonl's last line for an
 * id is the one that counts).
 */
import { join } from "node:path";
import type { EvolveConfig } from "../run/config.ts";
import type { EvaluationRecord, FinalRecord } from "../run/record.ts";
import { decodeGenome } from "../cgp/decode.ts";
import { searchSpace } from "../loop/space.ts";
import { energyPerMult, type LibraryEntry } from "../run/library.ts";
import { inferenceEnergy } from "../../quant/energy.ts";
import type { FinalTrainer } from "../evaluate/task.ts";
import { finalRecipe } from "../evaluate/recipe.ts";
import { retrainList } from "./picks.ts";
import { hashString } from "../../util/hash.ts";
import type { RunDir } from "../run/run_dir.ts";
import { writeFileAtomic } from "../../util/atomic_file.ts";
import { faultWhile, isEnvironmentFault } from "../../util/environment_fault.ts";
import { deriveSeed } from "../../train/recipe.ts";

/** What the final retraining is about to do, for a progress display. */
export interface FinalPlan {
  /** Networks it works on now: not retrained yet, or with `rechoose` retrained already. */
  count: number;
  /** Picked networks retrained in an earlier call, skipped (0 with `rechoose`). */
  retrainedBefore: number;
  rechoose: boolean;
  /** Some networks were asked for by id. */
  askedFor: boolean;
  /** Held-out training images the multipliers are re-chosen on; 0: no re-choice. */
  rechooseImages: number;
}

export interface RetrainOptions {
  /** Run the multiplier re-choice again on networks already retrained (no retraining). */
  rechoose?: boolean;
  /** Ids of evaluated networks to retrain as well as the picks (a user's own choice). */
  extra?: string[];
  onPlan?: (plan: FinalPlan) => void;
  onDone?: (rec: FinalRecord) => void;
}

/**
 * Retrains the networks retrainList picks from `evaluations` (those final.jsonl lacks), each
 * recorded in final.jsonl as it ends; returns every final record of the run.
 */
export async function retrainFront(
  dir: RunDir,
  config: EvolveConfig,
  library: LibraryEntry[],
  /** Every evaluation of the run (finalPicks chooses among them). */
  evaluations: EvaluationRecord[],
  trainer: FinalTrainer,
  { rechoose = false, extra = [], onPlan, onDone }: RetrainOptions = {},
): Promise<FinalRecord[]> {
  const done = new Map((await dir.readFinal()).map((r) => [r.id, r]));
  const listed = retrainList(dir, config, evaluations, extra);
  onPlan?.(finalPlan(config, listed, done, rechoose, extra));
  // A re-choice works on what is retrained already; it never starts a retraining.
  const picks = listed.filter((r) => !rechoose || done.has(r.id));
  const retrain = (rec: EvaluationRecord, have?: FinalRecord) =>
    retrainOne(dir, config, library, trainer, rec, have);
  // After a fault, the run is over: a job still in flight must not write behind the back of
  // the resume that will follow.
  let aborted: unknown;
  const jobs = picks.map(async (rec): Promise<FinalRecord> => {
    const have = done.get(rec.id);
    if (have && !(rechoose && !have.error)) return have;
    try {
      const out = await retrain(rec, have);
      if (aborted) throw aborted;
      await dir.appendFinal(out).catch((e) => {
        throw faultWhile(e, `logging the final record of ${rec.id}`);
      });
      onDone?.(out);
      return out;
    } catch (e) {
      aborted ??= e;
      throw e;
    }
  });
  const results = await Promise.all(jobs);
  // Networks retrained in an earlier call (asked for then) stay in the run's results.
  const others = [...done.values()].filter((r) => !results.some((x) => x.id === r.id));
  return [...results, ...others];
}

function finalPlan(
  config: EvolveConfig,
  listed: EvaluationRecord[],
  done: Map<string, FinalRecord>,
  rechoose: boolean,
  extra: string[],
): FinalPlan {
  const count = listed.filter((r) => rechoose ? done.has(r.id) : !done.has(r.id)).length;
  const held = config.final.validationImages ?? 0;
  return {
    count,
    retrainedBefore: rechoose ? 0 : listed.length - count,
    rechoose,
    askedFor: extra.length > 0,
    rechooseImages: held && config.final.refineTolerance !== undefined ? held : 0,
  };
}

/** Retrains one network (or, given `have`, re-chooses and exports it again) into its record;
 * a failure of the training is recorded with its error, a fault of the machine (reading or
 * writing a model file, no space...) stops the run with nothing recorded. */
async function retrainOne(
  dir: RunDir,
  config: EvolveConfig,
  library: LibraryEntry[],
  trainer: FinalTrainer,
  rec: EvaluationRecord,
  have?: FinalRecord,
): Promise<FinalRecord> {
  const graph = decodeGenome(searchSpace(config), Int32Array.from(rec.genome), { name: rec.id })
    .graph;
  const model = join("models", `${rec.id}.apxnet`);
  const base = {
    id: rec.id,
    summary: rec.summary,
    params: rec.params,
    mults: rec.mults,
    multipliers: rec.multipliers,
    energyNj: rec.energyNj,
    exactEnergyNj: inferenceEnergy(graph, () => library[0].name, energyPerMult(library)).pj / 1000,
    epochs: config.final.epochs,
    trainImages: config.final.trainImages,
    model,
  };
  const { refineTolerance, validationImages } = config.final;
  const trained = have
    ? await Deno.readFile(dir.file(have.model)).catch((e) => {
      throw faultWhile(e, `reading ${have.model}`);
    })
    : undefined;
  let r;
  try {
    r = await trainer.retrain({
      id: rec.id,
      graph,
      multipliers: rec.multipliers,
      recipe: finalRecipe(config, deriveSeed(config.seed, hashString(rec.phenotype), 0xf1)),
      refine: refineTolerance !== undefined && (validationImages ?? 0) > 0
        ? { tolerance: refineTolerance, library }
        : undefined,
      meta: {
        search: { run: dir.path, id: rec.id, preset: config.preset, seed: config.seed },
        multipliers: rec.multipliers,
      },
      trained,
    });
  } catch (e) {
    if (isEnvironmentFault(e)) throw faultWhile(e, `retraining ${rec.id}`);
    return {
      ...base,
      test: { float: NaN, exact8: NaN, approx8: NaN, images: 0 },
      seconds: 0,
      error: (e as Error).message,
    };
  }
  await writeFileAtomic(dir.file(model), r.model).catch((e) => {
    throw faultWhile(e, `writing ${model}`);
  });
  // A re-choice keeps the retraining's time: that is what the network cost.
  return { ...base, test: r.test, refined: r.refined, seconds: have?.seconds ?? r.seconds };
}
