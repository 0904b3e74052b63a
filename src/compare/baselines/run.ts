/**
 * Training and measuring the human-designed baselines exactly as a search's final
 * retraining treats its networks: each network goes to the search's own final trainer (the
 * same worker, data carving, recipe, calibration, bias correction and multiplier re-choice),
 * then every (network, multiplier) pair is measured on the test set through the search's
 * quantised model. Resumable: a network whose model file exists is not retrained, a pair in
 * results.jsonl is not measured again, and every finished piece is on disk before the next.
 */
import type { FinalTask, FinalTrainer } from "../../search/evaluate/task.ts";
import { measureRecipe } from "../../search/evaluate/recipe.ts";
import type { LibraryEntry } from "../../search/run/library.ts";
import { hashString } from "../../util/hash.ts";
import { deriveSeed } from "../../train/recipe.ts";
import { decodeModel, encodeModel, type SavedModel } from "../../model/model_file.ts";
import { graphCost } from "../../graph/count.ts";
import { EXACT_NAME } from "../../multipliers/library.ts";
import { BASELINE_MODELS } from "./models.ts";
import type { BaselineDir, BaselineResult } from "./dir.ts";
import type { BaselineSettings } from "./settings.ts";
import type { PairMeasurer } from "../measure/pool.ts";

/** What the model file of a trained baseline records about its training and test figures. */
export interface TrainedMeta {
  test: { float: number; exact8: number; approx8: number; images: number };
  /** The multiplier the search's re-choice rule picks for the network (validation images). */
  refined?: { multipliers: Record<string, string>; energyNj: number; test: { approx8: number } };
  baseline: { network: string; trainSeconds: number };
}

export interface BaselineEvents {
  /** Before any work: the networks to train and the pairs to measure (done ones excluded). */
  onPlan?(plan: { train: string[]; pairs: [string, string][] }): void;
  onTrained?(network: string, model: SavedModel, seconds: number): void;
  onMeasured?(result: BaselineResult): void;
  /** With `rechoose`: a trained network's multipliers were chosen again. */
  onRechosen?(network: string): void;
}

export interface BaselineRun {
  dir: BaselineDir;
  settings: BaselineSettings;
  /** Network names (keys of BASELINE_MODELS). */
  models: string[];
  /** Multipliers to measure every network with, with their energies; exact is added. */
  multipliers: LibraryEntry[];
  /** The search's multiplier re-choice (its list and tolerance), when the preset has one. */
  refine?: { tolerance: number; library: LibraryEntry[] };
  trainer: FinalTrainer;
  measurer: PairMeasurer;
  /** Re-choose the multipliers of networks already trained, on their saved weights, and
   * measure again the rows that depend on the choice. */
  rechoose?: boolean;
  /** Workers the trainer runs (the training order is planned for them; default 2). */
  workers?: number;
  events?: BaselineEvents;
}

const key = (network: string, multiplier: string) => `${network}\t${multiplier}`;

/** The seed a baseline trains from: derived from the run seed and its name, as the search
 * derives each retrained network's from its phenotype. */
export function baselineSeed(seed: number, network: string): number {
  return deriveSeed(seed, hashString(network), 0xf1);
}

/**
 * Trains what is missing, measures what is missing, and returns every result of the
 * directory. Training failures are reported (as one error, after the other networks are
 * trained and measured), never half-written.
 */
export async function runBaselines(run: BaselineRun): Promise<BaselineResult[]> {
  const { dir, settings } = run;
  await dir.open(settings);
  for (const m of run.models) {
    if (!BASELINE_MODELS[m]) throw new Error(`Unknown baseline network '${m}'`);
  }
  const energyOf = new Map(run.multipliers.map((m) => [m.name, m.energyPj]));
  for (const m of run.refine?.library ?? []) energyOf.set(m.name, m.energyPj);
  if (!energyOf.has(EXACT_NAME)) {
    throw new Error(`The multiplier list lacks ${EXACT_NAME}'s energy`);
  }
  const names = [EXACT_NAME, ...run.multipliers.map((m) => m.name).filter((n) => n !== EXACT_NAME)];

  if (run.rechoose) {
    if (!run.refine) throw new Error("--rechoose: this preset has no multiplier re-choice");
    const trained: string[] = [];
    for (const m of run.models) if (await dir.hasModel(m)) trained.push(m);
    // One after the other: each rewrites results.jsonl.
    for (const m of trained) {
      await rechooseOne(run, m);
      run.events?.onRechosen?.(m);
    }
  }
  const results = (await dir.readResults(true)) ?? [];
  const done = new Set(results.map((r) => key(r.network, r.multiplier)));
  const toTrain: string[] = [];
  for (const m of trainingOrder(run.models, run.workers ?? 2)) {
    if (!(await dir.hasModel(m))) toTrain.push(m);
  }
  run.events?.onPlan?.({
    train: toTrain,
    pairs: run.models.flatMap((m) =>
      names.filter((n) => !done.has(key(m, n))).map((n): [string, string] => [m, n])
    ),
  });

  const failures: string[] = [];
  const measured: Promise<void>[] = [];
  const measureNetwork = (network: string) => {
    measured.push(measurePairs(run, network, names, energyOf, done));
  };
  // Networks trained before are measured while the rest train.
  for (const m of run.models) if (!toTrain.includes(m)) measureNetwork(m);
  await Promise.all(toTrain.map(async (network) => {
    try {
      const model = await trainOne(run, network);
      run.events?.onTrained?.(network, model.model, model.seconds);
      measureNetwork(network);
    } catch (e) {
      failures.push(`${network}: ${(e as Error).message.split("\n")[0]}`);
    }
  }));
  const outcomes = await Promise.allSettled(measured);
  for (const o of outcomes) {
    if (o.status === "rejected") failures.push((o.reason as Error).message.split("\n")[0]);
  }
  if (failures.length) {
    throw new Error(
      `Baselines incomplete (everything finished is saved in ${dir.path}): ${failures.join("; ")}`,
    );
  }
  return (await dir.readResults()) ?? [];
}

/**
 * The order in which to hand networks to `workers` workers (each takes the next when free):
 * the one that ends soonest with the whole set (estimated by multiplications), and among
 * those the one whose first network ends soonest, so that first figures (and the progress
 * bar's first rate) come early. Every order is tried up to 7 networks, else longest first.
 */
export function trainingOrder(models: string[], workers: number): string[] {
  const cost = new Map(models.map((m) => [m, graphCost(BASELINE_MODELS[m]()).mults + 1e6]));
  const byCost = [...models].sort((a, b) => cost.get(b)! - cost.get(a)!);
  if (models.length > 7) return byCost;
  const simulate = (order: string[]) => {
    const free = Array(Math.max(1, workers)).fill(0);
    let first = Infinity;
    for (const m of order) {
      const w = free.indexOf(Math.min(...free));
      free[w] += cost.get(m)!;
      first = Math.min(first, free[w]);
    }
    return { end: Math.max(...free), first };
  };
  let best = byCost, score = simulate(byCost);
  for (const order of permutations(models)) {
    const s = simulate(order);
    if (
      s.end < score.end * (1 - 1e-9) || (s.end <= score.end * (1 + 1e-9) && s.first < score.first)
    ) {
      best = order;
      score = s;
    }
  }
  return best;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest])
  );
}

/** What the search's final trainer is given for `network`. */
function baselineTask(run: BaselineRun, network: string): FinalTask {
  const { settings } = run;
  const graph = BASELINE_MODELS[network]();
  return {
    id: network,
    graph,
    multipliers: {},
    recipe: measureRecipe({ epochs: settings.epochs, seed: baselineSeed(settings.seed, network) }, {
      calibrationImages: settings.calibrationImages,
      compensate: settings.compensate,
      tuneWeights: settings.tuneWeights === true,
    }),
    refine: run.refine,
    meta: {
      baseline: {
        network,
        preset: settings.preset,
        seed: settings.seed,
        epochs: settings.epochs,
        trainImages: settings.trainImages,
        overrides: settings.overrides,
      },
    },
  };
}

async function trainOne(
  run: BaselineRun,
  network: string,
): Promise<{ model: SavedModel; seconds: number }> {
  const r = await run.trainer.retrain(baselineTask(run, network));
  // The file is the search's own (self-contained, its default multiplier the re-chosen one,
  // as for a retrained Pareto network), with the training time added.
  const model = decodeModel(r.model, network);
  model.meta = {
    ...model.meta,
    baseline: { ...(model.meta.baseline as object), trainSeconds: r.seconds },
  };
  await run.dir.writeModel(network, encodeModel(model));
  return { model, seconds: r.seconds };
}

/**
 * Runs the re-choice again on a trained network's saved weights (as the search's
 * `--rechoose` does), rewrites its model file, and forgets the rows the old choice marked
 * (and those of the multipliers the new one picks), so that they are measured again.
 */
async function rechooseOne(run: BaselineRun, network: string): Promise<void> {
  const { dir } = run;
  const path = dir.file(dir.modelEntry(network));
  const bytes = await Deno.readFile(path);
  const old = decodeModel(bytes, path);
  const r = await run.trainer.retrain({ ...baselineTask(run, network), trained: bytes });
  const model = decodeModel(r.model, network);
  // The training time stays the original training's.
  model.meta = { ...model.meta, baseline: old.meta.baseline };
  await dir.writeModel(network, encodeModel(model));
  const picked = new Set(
    Object.values((model.meta as unknown as TrainedMeta).refined?.multipliers ?? {}),
  );
  const rows = (await dir.readResults(true)) ?? [];
  await dir.rewriteResults(
    rows.filter((x) => x.network !== network || !(x.rechosen || picked.has(x.multiplier))),
  );
}

async function measurePairs(
  run: BaselineRun,
  network: string,
  requested: string[],
  energyOf: Map<string, number>,
  done: Set<string>,
): Promise<void> {
  const { dir, settings } = run;
  const entry = dir.modelEntry(network);
  const bytes = await Deno.readFile(dir.file(entry));
  const model = decodeModel(bytes, dir.file(entry));
  const meta = model.meta as unknown as TrainedMeta;
  if (!meta.test) throw new Error(`${dir.file(entry)} records no test accuracy`);
  const refinedNames = meta.refined ? [...new Set(Object.values(meta.refined.multipliers))] : [];
  // A re-choice that mixes multipliers across layers is a row of its own, as the search's
  // final trainer measured it; a single multiplier is marked among the measured pairs.
  const mixed = refinedNames.length > 1;
  const rechosen = mixed ? [] : refinedNames;
  const names = [...new Set([...requested, ...rechosen.filter((n) => energyOf.has(n))])]
    .filter((n) => !done.has(key(network, n)));
  const { params, mults } = graphCost(model.graph);
  const exactEnergyNj = (mults * energyOf.get(EXACT_NAME)!) / 1000;
  /** Writes down one row: the network's own figures and `multiplier`'s. */
  const record = async (
    multiplier: string,
    measured: { energyNj: number; approx8: number; seconds: number; rechosen: boolean },
  ) => {
    const result: BaselineResult = {
      network,
      multiplier,
      params,
      mults,
      energyNj: measured.energyNj,
      exactEnergyNj,
      test: { ...meta.test, approx8: measured.approx8 },
      epochs: settings.epochs,
      trainImages: settings.trainImages,
      seed: settings.seed,
      calibrationImages: settings.calibrationImages,
      compensate: settings.compensate,
      model: entry,
      seconds: measured.seconds,
      ...(measured.rechosen ? { rechosen: true as const } : {}),
    };
    await dir.appendResult(result);
    done.add(key(network, multiplier));
    run.events?.onMeasured?.(result);
  };
  const mixedLabel = `per layer: ${refinedNames.join(" + ")}`;
  if (mixed && !done.has(key(network, mixedLabel))) {
    await record(mixedLabel, {
      energyNj: meta.refined!.energyNj,
      approx8: meta.refined!.test.approx8,
      seconds: 0,
      rechosen: true,
    });
  }
  const measureOne = async (multiplier: string) => {
    const r = await run.measurer.measure({
      network,
      model: bytes,
      calibrationImages: settings.calibrationImages,
      compensate: settings.compensate,
      tuneWeights: settings.tuneWeights === true,
      multiplier,
    });
    if (multiplier === EXACT_NAME && r.accuracy !== meta.test.exact8) {
      throw new Error(
        `${network}: exact 8-bit test accuracy measured here (${r.accuracy}) differs from the ` +
          `search's measurement at the end of training (${meta.test.exact8}): ` +
          `src/compare/measure.ts no longer measures as src/search/evaluate/measure.ts does`,
      );
    }
    await record(multiplier, {
      energyNj: (mults * energyOf.get(multiplier)!) / 1000,
      approx8: r.accuracy,
      seconds: r.seconds,
      rechosen: rechosen.includes(multiplier),
    });
  };
  // Exact first and alone: it checks that this measurement is the search's before any
  // approximate figure is written down.
  if (names.includes(EXACT_NAME)) await measureOne(EXACT_NAME);
  await Promise.all(names.filter((n) => n !== EXACT_NAME).map(measureOne));
}

/**
 * Relative cost of training a network or measuring one of its pairs, for the progress bar:
 * multiplications per image x images seen (a training image costs about three inferences:
 * forward, and the backward pass's two products), plus a per-image overhead worth 1M
 * multiplications (data, augmentation, small layers).
 */
export function workUnits(
  network: string,
  what: "train" | "measure",
  settings: BaselineSettings,
  testImages: number,
): number {
  const perImage = graphCost(BASELINE_MODELS[network]()).mults + 1e6;
  return what === "train"
    ? 3 * perImage * settings.epochs * settings.trainImages
    : perImage * testImages;
}
