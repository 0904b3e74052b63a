/**
 * How a trained network's figures were obtained, read back from what its model file records
 * (recipe, calibration, bias correction), in the words the reports use.
 */

export interface MeasuredHow {
  recipe?: {
    batch: number;
    maxLr: number;
    momentum?: number;
    nesterov?: boolean;
    weightDecay?: number;
    schedule?: string;
    augment?: boolean;
  };
  calibration?: { method: string; percentile?: number; images: number };
  compensate?: boolean;
  tuneWeights?: boolean;
}

/** The parts of a model file's metadata that say how it was trained and measured. */
export function measuredHowOf(meta: Record<string, unknown>): MeasuredHow {
  return {
    recipe: meta.recipe as MeasuredHow["recipe"],
    calibration: meta.calibration as MeasuredHow["calibration"],
    compensate: meta.errorCompensation as boolean | undefined,
    tuneWeights: meta.weightTuning === true,
  };
}

export function recipeText(r: MeasuredHow["recipe"]): string {
  if (!r) return "the standard recipe";
  const parts = [
    `SGD${r.nesterov ? " with Nesterov momentum" : " with momentum"} ${r.momentum ?? ""}`.trim(),
    r.weightDecay !== undefined ? `weight decay ${r.weightDecay}` : "",
    `${
      r.schedule === "onecycle" ? "one-cycle learning rate peaking at" : "learning rate"
    } ${r.maxLr}`,
    `batch ${r.batch}`,
    r.augment ? "crop-and-flip augmentation" : "",
  ];
  return parts.filter(Boolean).join(", ");
}

export function calibrationText(c: MeasuredHow["calibration"]): string {
  if (!c) return "activation ranges calibrated on training images";
  const how = c.method === "percentile" ? `${c.percentile}th-percentile` : "min-max";
  return `activation ranges (${how}) calibrated on the first ${c.images} training images`;
}

export function compensationText(on: boolean | undefined, tuned?: boolean): string {
  if (!on) return "none";
  return (tuned
    ? "each layer's weight bytes tuned to its multiplier (least error variance over the " +
      "activations of the calibration images), then "
    : "") +
    "each approximate multiplier's mean error on the calibration images folded into the " +
    "layer biases";
}

export const ENERGY_TEXT = "multiplications of the conv and dense layers per inference x the " +
  "multiplier's energy per multiplication (model estimate of the library, " +
  "docs/multipliers.md); additions, memory and the rest are left out";

export const pct = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? "" : (100 * x).toFixed(2);
