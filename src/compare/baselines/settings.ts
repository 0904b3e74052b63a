/**
 * What a baselines run trains and measures with: the final retraining of a search preset
 * (its epochs, training images, held-out images, calibration images, bias correction and
 * multiplier re-choice), unless flags override the budget, which is then recorded so every
 * report says so.
 */
import { z } from "zod";
import { int, number } from "../../util/check_schema.ts";
import { type EvolveConfig, presetConfig } from "../../search/run/config.ts";
import type { SearchData } from "../../search/evaluate/data.ts";

export const BaselineSettingsSchema = z.strictObject({
  /** The search preset whose final retraining the baselines mirror. */
  preset: z.string(),
  seed: int(0),
  /** Training epochs (the preset's final.epochs unless overridden). */
  epochs: int(1),
  /** Images trained on (the preset's final.trainImages unless overridden, at most what the
   * held-out images leave). */
  trainImages: int(1),
  /** Training-set images held out of training, on which the multiplier is re-chosen. */
  heldOutImages: int(0),
  /** Training images that calibrate the 8-bit ranges and the bias correction. */
  calibrationImages: int(1),
  /** The multiplier's mean error folded into the layer biases, as the search does. */
  compensate: z.boolean(),
  /** With `compensate`, weight bytes tuned to each multiplier too (absent in settings written
   * before it existed: off). */
  tuneWeights: z.boolean().optional(),
  /** The re-choice rule's tolerance (absent: the preset does not re-choose). */
  refineTolerance: number(0, 1, ["hi"]).optional(),
  /** Budget flags that changed the preset's values: field -> [preset value, value asked]. */
  overrides: z.strictObject({
    epochs: z.tuple([int(1), int(1)]).optional(),
    trainImages: z.tuple([int(1), int(1)]).optional(),
  }),
});
export type BaselineSettings = z.output<typeof BaselineSettingsSchema>;

/** Fields that decide what a trained model or a measured pair is: a rerun must keep them. */
const FIXED = [
  "seed",
  "epochs",
  "trainImages",
  "heldOutImages",
  "calibrationImages",
  "compensate",
  "tuneWeights",
  "refineTolerance",
] as const;

/**
 * The search config whose final retraining is mirrored, with the flags' seed and budget.
 * Throws naming the preset when it is unknown.
 */
export function baselineConfig(
  preset: string,
  flags: { seed?: number; epochs?: number; trainImages?: number; noTuneWeights?: boolean } = {},
): { config: EvolveConfig; overrides: BaselineSettings["overrides"] } {
  const config = presetConfig(preset);
  const overrides: BaselineSettings["overrides"] = {};
  if (flags.seed !== undefined) config.seed = flags.seed;
  if (flags.noTuneWeights) config.candidate.tuneWeights = false;
  if (flags.epochs !== undefined && flags.epochs !== config.final.epochs) {
    overrides.epochs = [config.final.epochs, flags.epochs];
    config.final.epochs = flags.epochs;
  }
  if (flags.trainImages !== undefined && flags.trainImages !== config.final.trainImages) {
    overrides.trainImages = [config.final.trainImages, flags.trainImages];
    config.final.trainImages = flags.trainImages;
  }
  return { config, overrides };
}

/** Whether (and how) the config re-chooses multipliers after the final retraining. */
export function refineTolerance(config: EvolveConfig): number | undefined {
  return config.final.refineTolerance !== undefined && (config.final.validationImages ?? 0) > 0
    ? config.final.refineTolerance
    : undefined;
}

/** The settings to record, with the image counts as carved from the data. */
export function baselineSettings(
  config: EvolveConfig,
  overrides: BaselineSettings["overrides"],
  data: SearchData,
): BaselineSettings {
  const tolerance = refineTolerance(config);
  return {
    preset: config.preset,
    seed: config.seed,
    epochs: config.final.epochs,
    trainImages: data.finalTrain.labels.length,
    heldOutImages: data.finalValidation.labels.length,
    calibrationImages: config.candidate.calibrationImages,
    compensate: config.candidate.compensate,
    ...(config.candidate.tuneWeights ? { tuneWeights: true } : {}),
    ...(tolerance !== undefined ? { refineTolerance: tolerance } : {}),
    overrides,
  };
}

/** The first field on which a rerun differs from the stored settings, as "field: a -> b". */
export function settingsConflict(stored: BaselineSettings, asked: BaselineSettings): string | null {
  for (const k of FIXED) {
    if (stored[k] !== asked[k]) return `${k}: ${stored[k]} -> ${asked[k]}`;
  }
  return null;
}

/** One sentence on the training budget, naming what was overridden. */
export function budgetText(s: BaselineSettings): string {
  const over = Object.entries(s.overrides).map(([k, [was, now]]) =>
    `${k} ${now} instead of the preset's ${was}`
  );
  return `${s.epochs} epoch(s) on ${s.trainImages.toLocaleString("en")} training images` +
    (s.heldOutImages ? ` (${s.heldOutImages.toLocaleString("en")} more held out)` : "") +
    `, seed ${s.seed}` +
    (over.length
      ? `; overridden: ${over.join(", ")}, so not the '${s.preset}' preset's final retraining`
      : `: the '${s.preset}' preset's final retraining`);
}
