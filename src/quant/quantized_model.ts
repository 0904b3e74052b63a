/**
 * A trained network quantised once and measured through any multipliers on a labelled set:
 * activation ranges (DEFAULT_CALIBRATION) and, when asked, each assignment's bias correction and
 * weight tuning come from the same calibration images. What the search and the baselines
 * measure their networks with.
 */
import { type Engine, instantiateEngine } from "../engine/wasm.ts";
import type { SavedModel } from "../model/model_file.ts";
import { EXACT_NAME } from "../multipliers/library.ts";
import type { ResolvedLibrary } from "./multipliers.ts";
import { quantizeModel, rangesNeeded } from "./quantize.ts";
import { calibrateRanges, DEFAULT_CALIBRATION } from "./calibrate.ts";
import { needsCodes, weightCodes } from "./bound_plan.ts";
import type { WeightCode } from "./weight_code.ts";
import { QuantizedNetwork } from "./qnetwork.ts";
import { countCorrect, predictClasses } from "./predict.ts";
import type { MultiplierAssignment } from "./assignment.ts";
import { convSteps, type QPlan } from "./plan.ts";
import { type ActivationStats, activationStats, compensatePlan } from "./compensate.ts";
import type { LabelledImages } from "../data/cifar10/format.ts";

/** Accuracy of a quantised plan through `assignment` on the first `count` images of `data`. */
export async function quantizedAccuracyHere(
  module: WebAssembly.Module,
  plan: QPlan,
  assignment: MultiplierAssignment,
  data: LabelledImages,
  count: number,
  batch = 100,
): Promise<number> {
  const qn = new QuantizedNetwork(await instantiateEngine(module), plan, assignment, { batch });
  return countCorrect(predictClasses(qn, data.images, 0, count), data.labels) / count;
}

/** Calibration images and how approximate layers are corrected (src/quant/compensate.ts). */
export interface CalibrationSetup {
  images: Uint8Array;
  count: number;
  compensate: boolean;
  /** With `compensate`, weight bytes tuned to each multiplier too (weight_tuning.ts). */
  tuneWeights?: boolean;
}

/**
 * A trained network's 8-bit plan, measured through any multipliers: the bias correction of
 * each assignment comes from activation statistics gathered once on the calibration images.
 */
export class QuantizedModel {
  /** Plans by weight codes (JSON of node -> code; "" for 8-bit weights everywhere). */
  #plans = new Map<string, QPlan>();
  /** Activation statistics of the exact 8-bit plan: every plan's corrections use them. */
  #stats?: Promise<ActivationStats>;

  constructor(
    readonly module: WebAssembly.Module,
    readonly engine: Engine,
    /** The plan with 8-bit unsigned weights everywhere. */
    readonly plan: QPlan,
    readonly calibration: CalibrationSetup,
    /** The multipliers `accuracy` may be asked for, and the exact one. */
    readonly library: ResolvedLibrary,
    /** The plan with other weight codes (the same activation ranges). */
    readonly recode?: (codes: Record<string, WeightCode>) => QPlan,
  ) {
    this.#plans.set("", plan);
  }

  /** Quantises `model` with the default activation ranges from the first `count` images. */
  static async calibrate(
    module: WebAssembly.Module,
    model: SavedModel,
    calibration: CalibrationSetup,
    library: ResolvedLibrary,
  ): Promise<QuantizedModel> {
    const engine = await instantiateEngine(module);
    const ranges = await calibrateRanges(
      model,
      calibration.images,
      calibration.count,
      rangesNeeded(model.graph),
      DEFAULT_CALIBRATION,
      engine,
    );
    const quantize = (codes: Record<string, WeightCode>) => {
      const plan = quantizeModel(model, ranges, { codes });
      plan.notes.calibration = { ...DEFAULT_CALIBRATION, images: calibration.count };
      return plan;
    };
    return new QuantizedModel(module, engine, quantize({}), calibration, library, quantize);
  }

  /** The plan whose weights are coded as `assignment`'s multipliers take them. */
  #planFor(assignment: MultiplierAssignment): QPlan {
    const nodes = convSteps(this.plan).map((s) => s.node);
    if (!needsCodes(assignment, nodes)) return this.plan;
    const codes = weightCodes(assignment, nodes);
    const key = JSON.stringify(codes);
    let plan = this.#plans.get(key);
    if (!plan) {
      if (!this.recode) {
        throw new Error("QuantizedModel: no way to code weights for these multipliers");
      }
      this.#plans.set(key, plan = this.recode(codes));
    }
    return plan;
  }

  /** Accuracy on `data` with `multipliers` (node id -> library name; missing nodes exact). */
  async accuracy(multipliers: Record<string, string>, data: LabelledImages): Promise<number> {
    const names = [...new Set([EXACT_NAME, ...Object.values(multipliers)])];
    const assignment: MultiplierAssignment = {
      defaultName: EXACT_NAME,
      byNode: multipliers,
      library: this.library,
    };
    const { images, count, compensate, tuneWeights } = this.calibration;
    const coded = this.#planFor(assignment);
    const approximate = names.length > 1;
    if (approximate && compensate) {
      this.#stats ??= activationStats(this.plan, images, count, this.engine);
    }
    const plan = approximate && compensate
      ? compensatePlan(coded, assignment, await this.#stats!, { tuneWeights })
      : coded;
    return await quantizedAccuracyHere(this.module, plan, assignment, data, data.labels.length);
  }
}
