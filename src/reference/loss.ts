/** Plain float64 softmax cross-entropy: the oracle for assembly/loss_f32.ts. */

/**
 * Mean over n rows of -log softmax(logits[r])[labels[r]], and its gradient with respect to the
 * logits, (softmax - onehot)/n. The row max is subtracted first, as the kernel does.
 */
export function softmaxXentRef(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
  k: number,
): { loss: number; dlogits: Float64Array } {
  let loss = 0;
  const dlogits = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    let top = -Infinity;
    for (let j = 0; j < k; j++) top = Math.max(top, logits[r * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[r * k + j] - top);
    loss += Math.log(sum) - (logits[r * k + labels[r]] - top);
    for (let j = 0; j < k; j++) {
      const p = Math.exp(logits[r * k + j] - top) / sum;
      dlogits[r * k + j] = (p - (j === labels[r] ? 1 : 0)) / n;
    }
  }
  return { loss: loss / n, dlogits };
}
