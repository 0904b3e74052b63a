/**
 * Making a model file self-contained for embedding (Deno: reads the multiplier library):
 * the product tables and energies of its multipliers, and its 8-bit quantisation calibrated
 * on training images, go into the file (format version 3, docs/model-format.md), so that a
 * browser classifies with it exactly as `deno task evaluate` does with the same settings.
 *
 * @example
 * ```ts
 * const train = await getCifar10({ split: "train" });
 * const embeddable = await makeSelfContained(model, {
 *   calibrationImages: train.images,
 *   multipliers: "mul8u_bam_h1v4",
 *   compensate: true,
 * });
 * await saveModel("model.apxnet", embeddable);
 * ```
 */
import { compileEngine, type Engine, instantiateEngine } from "../engine/wasm.ts";
import { graphCost } from "../graph/count.ts";
import { EXACT_NAME } from "../multipliers/library.ts";
import { parseAssignment, recordedAssignmentText } from "../quant/assignment.ts";
import {
  type Calibration,
  DEFAULT_CALIBRATION,
  DEFAULT_CALIBRATION_IMAGES,
} from "../quant/calibrate.ts";
import { resolveLibrary } from "../quant/library_tables.ts";
import { findMultiplier, type ResolvedLibrary } from "../quant/multipliers.ts";
import type { WeightGranularity } from "../quant/quantize.ts";
import type { ModelTable, SavedModel } from "../model/model_file.ts";
import { measureSpec } from "./spec.ts";
import { IMAGE_BYTES } from "../data/cifar10/format.ts";

export interface SelfContainedOptions {
  /** Calibration images, CIFAR-10 layout: normally the training set (never test images). */
  calibrationImages: Uint8Array;
  /** How many of them (the first N). Default: as the model's metadata records (a search
   * records `calibration`), else 1000, as `deno task evaluate`; at most all. */
  calibrationCount?: number;
  /** Default: as recorded, else 99.999th-percentile ranges, as `deno task evaluate`. */
  calibration?: Calibration;
  /** Default "channel", as `deno task evaluate`. */
  weights?: WeightGranularity;
  /**
   * The approximate multipliers: `NAME`, `node=NAME,...` (others exact), `NAME,node=NAME2`, or
   * node -> name (others exact). Default: the multipliers recorded in the model's metadata by
   * the search, else exact everywhere.
   */
  multipliers?: string | Record<string, string>;
  /** More library multipliers to carry (so a classifier may switch to them). */
  extraMultipliers?: string[];
  /** Approximate 8-bit subtracts each multiplier's mean error from the biases by default.
   * Default: what the model's metadata records (`errorCompensation`), else false. */
  compensate?: boolean;
  /** With compensation, weight bytes tuned to each multiplier too (src/quant/weight_tuning.ts).
   * Default: what the model's metadata records (`weightTuning`), else false. */
  tuneWeights?: boolean;
  /** Recorded as the calibration images' origin. */
  source?: string;
  /** Engine module (default: build/approxnas.wasm). */
  module?: WebAssembly.Module;
  /** The run's resolved multipliers, holding every one carried (default: resolved from the
   * library files). */
  library?: ResolvedLibrary;
  /** Multiplier library directory (default data/multipliers). */
  dataDir?: string;
}

/**
 * A copy of `model` carrying what 8-bit inference needs: the tables and energies of the
 * chosen multipliers (and the exact one), the activation ranges calibrated on the first
 * `calibrationCount` images, and for each approximate multiplier the bias corrections of
 * every layer. Earlier tables and quantisation of `model` are replaced.
 */
export async function makeSelfContained(
  model: SavedModel,
  opts: SelfContainedOptions,
): Promise<SavedModel> {
  const choice = typeof opts.multipliers === "object"
    ? { defaultName: EXACT_NAME, byNode: { ...opts.multipliers } }
    : parseAssignment(
      opts.multipliers ?? recordedAssignmentText(model.meta, EXACT_NAME),
      EXACT_NAME,
    );
  const layers = [...graphCost(model.graph).multsByNode.keys()];
  for (const node of Object.keys(choice.byNode)) {
    if (!layers.includes(node)) {
      throw new Error(
        `Multiplier assigned to '${node}', which is not a conv or dense layer of the network ` +
          `(layers: ${layers.join(", ")})`,
      );
    }
  }
  // One multiplier everywhere is stored as a default (a search records it per layer).
  const perLayer = layers.map((n) => choice.byNode[n] ?? choice.defaultName);
  if (perLayer.length && perLayer.every((m) => m === perLayer[0])) {
    choice.defaultName = perLayer[0];
    choice.byNode = {};
  }
  const names = [
    ...new Set([
      EXACT_NAME,
      ...perLayer,
      ...(opts.extraMultipliers ?? []),
    ]),
  ];
  const library = opts.library ??
    await resolveLibrary(names, opts.dataDir ? { dataDir: opts.dataDir } : undefined);
  const carried = names.map((name) => {
    const m = findMultiplier(library, name);
    if (!m) {
      throw new Error(
        `makeSelfContained: multiplier '${name}' is not in the library given ` +
          `(${library.map((x) => x.name).join(", ")})`,
      );
    }
    return m;
  });
  const tables: ModelTable[] = carried.map((m) => ({
    name: m.name,
    energyPj: m.energyPj,
    table: m.table,
    ...(m.weights ? { weights: m.weights } : {}),
    ...(m.offsets ? { offsets: m.offsets } : {}),
  }));
  const available = Math.floor(opts.calibrationImages.length / IMAGE_BYTES);
  const recorded = recordedCalibration(model.meta);
  const count = opts.calibrationCount ??
    Math.min(recorded?.images ?? DEFAULT_CALIBRATION_IMAGES, available);
  const module = opts.module ?? await compileEngine();
  const engine = (): Promise<Engine> => instantiateEngine(module);
  const inference = await measureSpec(model, {
    images: opts.calibrationImages,
    count,
    calibration: opts.calibration ?? recorded?.calibration ?? DEFAULT_CALIBRATION,
    weights: opts.weights,
    source: opts.source ?? "CIFAR-10 training images",
    multipliers: choice,
    library: carried,
    compensate: opts.compensate ?? model.meta.errorCompensation === true,
    tuneWeights: opts.tuneWeights ?? model.meta.weightTuning === true,
    engine,
  });
  return { ...model, tables, inference };
}

/** The calibration a search recorded in a model's metadata (`calibration`), if valid. */
export function recordedCalibration(
  meta: Record<string, unknown>,
): { calibration: Calibration; images: number } | null {
  const c = meta.calibration as Record<string, unknown> | undefined;
  if (!c || typeof c !== "object" || !Number.isInteger(c.images) || (c.images as number) < 1) {
    return null;
  }
  if (c.method === "minmax") {
    return { calibration: { method: "minmax" }, images: c.images as number };
  }
  const p = c.percentile;
  if (c.method === "percentile" && typeof p === "number" && p > 50 && p <= 100) {
    return { calibration: { method: "percentile", percentile: p }, images: c.images as number };
  }
  return null;
}
