/**
 * Plain float64 batch normalisation over `count` rows of `c` channels (NHWC flattened), written
 * from the definition: the oracle for assembly/batchnorm_f32.ts.
 */

/** What the training forward produces besides y: the saved statistics and the new running ones. */
export interface BatchnormTrainResult {
  y: Float64Array;
  mean: Float64Array;
  invstd: Float64Array;
  runMean: Float64Array;
  runVar: Float64Array;
}

/**
 * Training forward: per-channel batch mean and biased variance, y = gamma*(x-mean)*invstd + beta,
 * and running statistics run = (1-momentum)*run + momentum*batch with the unbiased variance.
 */
export function batchnormForwardTrainRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  runMean: ArrayLike<number>,
  runVar: ArrayLike<number>,
  count: number,
  c: number,
  momentum: number,
  eps: number,
): BatchnormTrainResult {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let r = 0; r < count; r++) for (let j = 0; j < c; j++) mean[j] += x[r * c + j];
  for (let j = 0; j < c; j++) mean[j] /= count;
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < c; j++) variance[j] += (x[r * c + j] - mean[j]) ** 2;
  }
  for (let j = 0; j < c; j++) variance[j] /= count;
  const invstd = variance.map((v) => 1 / Math.sqrt(v + eps));
  const y = new Float64Array(count * c);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < c; j++) {
      const i = r * c + j;
      y[i] = gamma[j] * (x[i] - mean[j]) * invstd[j] + beta[j];
    }
  }
  const unbias = count > 1 ? count / (count - 1) : 1;
  const newMean = new Float64Array(c);
  const newVar = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    newMean[j] = (1 - momentum) * runMean[j] + momentum * mean[j];
    newVar[j] = (1 - momentum) * runVar[j] + momentum * variance[j] * unbias;
  }
  return { y, mean, invstd, runMean: newMean, runVar: newVar };
}

/** Inference forward: y = gamma*(x-runMean)/sqrt(runVar+eps) + beta. */
export function batchnormForwardInferRef(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  runMean: ArrayLike<number>,
  runVar: ArrayLike<number>,
  count: number,
  c: number,
  eps: number,
): Float64Array {
  const y = new Float64Array(count * c);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < c; j++) {
      const i = r * c + j;
      y[i] = gamma[j] * (x[i] - runMean[j]) / Math.sqrt(runVar[j] + eps) + beta[j];
    }
  }
  return y;
}

/**
 * Backward of the training forward (batch statistics depend on x):
 * dbeta = sum dy, dgamma = sum dy*xhat, dx = gamma*invstd*(dy - mean(dy) - xhat*mean(dy*xhat)).
 */
export function batchnormBackwardRef(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  gamma: ArrayLike<number>,
  mean: ArrayLike<number>,
  invstd: ArrayLike<number>,
  count: number,
  c: number,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const dgamma = new Float64Array(c);
  const dbeta = new Float64Array(c);
  const xhat = (i: number, j: number) => (x[i] - mean[j]) * invstd[j];
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < c; j++) {
      const i = r * c + j;
      dbeta[j] += dy[i];
      dgamma[j] += dy[i] * xhat(i, j);
    }
  }
  const dx = new Float64Array(count * c);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < c; j++) {
      const i = r * c + j;
      dx[i] = gamma[j] * invstd[j] *
        (dy[i] - dbeta[j] / count - xhat(i, j) * dgamma[j] / count);
    }
  }
  return { dx, dgamma, dbeta };
}
