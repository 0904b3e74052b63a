/** How a network is trained: the standard CIFAR-10 recipe unless told otherwise. */
export interface TrainRecipe {
  epochs: number;
  batch: number;
  /** Peak learning rate (one-cycle) or initial rate (cosine). */
  maxLr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  schedule: "onecycle" | "cosine";
  /** 4-pixel reflect pad + random crop + horizontal flip. */
  augment: boolean;
  seed: number;
}

/** SGD Nesterov 0.9, weight decay 5e-4, one-cycle to 0.2, batch 128, standard augmentation. */
export const STANDARD_RECIPE: TrainRecipe = {
  epochs: 10,
  batch: 128,
  maxLr: 0.2,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  schedule: "onecycle",
  augment: true,
  seed: 1,
};

/** A 32-bit seed for (run seed, epoch, ...) so every epoch's randomness is independent of
 * what came before it: a resumed run draws the same numbers as an uninterrupted one. */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  }
  return h >>> 0;
}
