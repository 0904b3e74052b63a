// Softmax cross-entropy over rows of logits. The row max is subtracted before exponentiating
// and sums are kept in f64, so large logits neither overflow nor lose the small classes.

/**
 * Mean over n rows of -log softmax(logits[r])[labels[r]]; writes dlogits = (softmax - onehot)/n
 * when dlogits is not 0 (it may equal logits). A label outside [0, k) makes the loss NaN.
 */
export function f32_softmax_xent(
  logits: usize,
  labels: usize,
  dlogits: usize,
  n: i32,
  k: i32,
): f64 {
  if (n <= 0 || k <= 0) return 0;
  const invN = 1.0 / <f64> n;
  let total: f64 = 0;
  for (let r = 0; r < n; r++) {
    const row = logits + <usize> r * (<usize> k << 2);
    const label = load<i32>(labels + (<usize> r << 2));
    let top = load<f32>(row);
    for (let j = 1; j < k; j++) top = max(top, load<f32>(row + (<usize> j << 2)));
    let sum: f64 = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(<f64> (load<f32>(row + (<usize> j << 2)) - top));
    const logSum = Math.log(sum);
    total += label >= 0 && label < k
      ? logSum - <f64> (load<f32>(row + (<usize> label << 2)) - top)
      : NaN;
    if (dlogits) {
      const out = dlogits + <usize> r * (<usize> k << 2);
      for (let j = 0; j < k; j++) {
        const p = Math.exp(<f64> (load<f32>(row + (<usize> j << 2)) - top) - logSum);
        store<f32>(out + (<usize> j << 2), <f32> ((j == label ? p - 1 : p) * invN));
      }
    }
  }
  return total * invN;
}
