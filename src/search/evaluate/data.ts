/**
 * The data a search uses, carved from CIFAR-10's training set by a seeded permutation:
 * a validation split that candidates are measured on, a disjoint training subset they are
 * trained on, and, for the end, a larger held-out validation split (it contains the first)
 * and the final retraining's training set, disjoint from it. The test set is only used
 * after the search, by the final retraining.
 */
import { Rng } from "../../util/rng.ts";
import { deriveSeed } from "../../train/recipe.ts";
import type { EvolveConfig } from "../run/config.ts";
import { IMAGE_BYTES, type LabelledImages } from "../../data/cifar10/format.ts";

export interface SearchData {
  /** Candidates train on this (disjoint from validation). */
  train: LabelledImages;
  validation: LabelledImages;
  /** The final retraining's training images. */
  finalTrain: LabelledImages;
  /** Held out of `finalTrain`: where retrained networks re-choose their multiplier. */
  finalValidation: LabelledImages;
  test: LabelledImages;
}

/** Copies the images and labels at `indices` into new shared arrays (workers read them). */
export function gather(d: LabelledImages, indices: ArrayLike<number>): LabelledImages {
  const images = new Uint8Array(new SharedArrayBuffer(indices.length * IMAGE_BYTES));
  const labels = new Uint8Array(new SharedArrayBuffer(indices.length));
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    images.set(d.images.subarray(j * IMAGE_BYTES, (j + 1) * IMAGE_BYTES), i * IMAGE_BYTES);
    labels[i] = d.labels[j];
  }
  return { images, labels };
}

export function carveSearchData(
  trainSet: LabelledImages,
  testSet: LabelledImages,
  config: EvolveConfig,
): SearchData {
  const n = trainSet.labels.length;
  const { trainImages, validationImages } = config.candidate;
  if (trainImages + validationImages > n) {
    throw new Error(
      `The search needs ${trainImages} training + ${validationImages} validation images, but the training set has ${n}`,
    );
  }
  const order = new Rng(deriveSeed(config.seed, 0xda7a)).shuffle(
    Int32Array.from({ length: n }, (_, i) => i),
  );
  const held = config.final.validationImages ?? 0;
  if (held >= n) {
    throw new Error(
      `final.validationImages (${held}) must leave training images: the training set has ${n}`,
    );
  }
  const finalCount = Math.min(config.final.trainImages, n - held);
  return {
    validation: gather(trainSet, order.subarray(0, validationImages)),
    train: gather(trainSet, order.subarray(validationImages, validationImages + trainImages)),
    finalTrain: finalCount === n
      ? gather(trainSet, Int32Array.from({ length: n }, (_, i) => i))
      : gather(trainSet, order.subarray(held, held + finalCount)),
    finalValidation: gather(trainSet, order.subarray(0, held)),
    test: gather(testSet, Int32Array.from({ length: testSet.labels.length }, (_, i) => i)),
  };
}
