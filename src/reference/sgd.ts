/** Plain float64 SGD with momentum, PyTorch's definition: the oracle for assembly/sgd_f32.ts. */

/** Hyper-parameters of one SGD step. */
export interface SgdParams {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * One step in place: g = grad + wd*w; v = mu*v + g; w -= lr * (nesterov ? g + mu*v : v).
 * w and velocity are updated in place.
 */
export function sgdStepRef(
  w: Float64Array,
  grad: ArrayLike<number>,
  velocity: Float64Array,
  p: SgdParams,
): void {
  for (let i = 0; i < w.length; i++) {
    const g = grad[i] + p.weightDecay * w[i];
    velocity[i] = p.momentum * velocity[i] + g;
    w[i] -= p.lr * (p.nesterov ? g + p.momentum * velocity[i] : velocity[i]);
  }
}
