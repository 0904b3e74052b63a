/**
 * How a network is trained and then measured in 8 bits: the one shape a candidate or a final
 * task carries from the run's config to the worker, which hands `train` to the trainer
 * (src/train/trainer.ts) and `quant` to the 8-bit measurement as they are.
 */
import { STANDARD_RECIPE, type TrainRecipe } from "../../train/recipe.ts";
import type { EvolveConfig } from "../run/config.ts";

/** How the trained network is quantised and its approximate layers corrected. */
export interface QuantSetup {
  /** Training images that calibrate the 8-bit activation ranges (at most all of them). */
  calibrationImages: number;
  /** Fold each approximate multiplier's mean error on the calibration images into the layer
   * biases (bias correction, src/quant/compensate.ts). */
  compensate: boolean;
  /** With `compensate`, each layer's weight bytes tuned to its multiplier first
   * (src/quant/weight_tuning.ts). */
  tuneWeights: boolean;
}

export interface MeasureRecipe {
  /** The training recipe, seed included. */
  train: TrainRecipe;
  quant: QuantSetup;
}

/** The standard training recipe with `changes`, then `quant`. */
export function measureRecipe(
  changes: Partial<TrainRecipe> & { seed: number },
  quant: QuantSetup,
): MeasureRecipe {
  return { train: { ...STANDARD_RECIPE, ...changes }, quant };
}

/** The 8-bit measurement of a run's candidates, which its final networks get too. */
export function quantSetup(config: EvolveConfig): QuantSetup {
  const c = config.candidate;
  return {
    calibrationImages: c.calibrationImages,
    compensate: c.compensate,
    // Absent in runs made before weight tuning existed: off.
    tuneWeights: c.tuneWeights === true,
  };
}

/** How a run trains a candidate (config.candidate's short recipe) from `seed`. */
export function candidateRecipe(config: EvolveConfig, seed: number): MeasureRecipe {
  const { epochs, batch, maxLr } = config.candidate;
  return measureRecipe({ epochs, batch, maxLr, seed }, quantSetup(config));
}

/** How a run retrains a final network: the standard recipe for config.final.epochs. */
export function finalRecipe(config: EvolveConfig, seed: number): MeasureRecipe {
  return measureRecipe({ epochs: config.final.epochs, seed }, quantSetup(config));
}
