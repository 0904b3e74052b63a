/**
 * Objectives on different scales (an error rate, a parameter count, an energy) are mapped to
 * [0, 1] with fixed bounds before the hypervolume, so that every objective weighs the same
 * and hypervolumes of different generations compare: (f - lower) / (upper - lower).
 */
import type { ObjectiveMatrix } from "./dominance.ts";
import { hypervolume } from "./hypervolume.ts";

/**
 * @example
 * normalizeObjectives([[0.2, 5000]], [0, 0], [1, 100000]); // [[0.2, 0.05]]
 */
export function normalizeObjectives(
  objectives: ObjectiveMatrix,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number[][] {
  if (lower.length !== upper.length) {
    throw new Error(`normalize: ${lower.length} lower and ${upper.length} upper bounds`);
  }
  for (let m = 0; m < lower.length; m++) {
    if (!(upper[m] > lower[m])) {
      throw new Error(
        `normalize: objective ${m} needs upper > lower, found ${lower[m]}, ${upper[m]}`,
      );
    }
  }
  return objectives.map((row) => {
    if (row.length !== lower.length) {
      throw new Error(`normalize: a row has ${row.length} objectives, bounds have ${lower.length}`);
    }
    return Array.from(row, (v, m) => (v - lower[m]) / (upper[m] - lower[m]));
  });
}

export interface NormalizedHypervolumeOptions {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** Reference point in normalised units; default 1 in every objective (the upper bounds). */
  reference?: ArrayLike<number>;
}

/**
 * Hypervolume of the normalised objectives against the normalised reference.
 *
 * @example
 * normalizedHypervolume(front, { lower: [0, 0, 0], upper: [1, 1e6, 1e8], reference: [1.1, 1.1, 1.1] });
 */
export function normalizedHypervolume(
  objectives: ObjectiveMatrix,
  { lower, upper, reference }: NormalizedHypervolumeOptions,
): number {
  const ref = reference ?? Array.from(lower, () => 1);
  return hypervolume(normalizeObjectives(objectives, lower, upper), ref);
}
