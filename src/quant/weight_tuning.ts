/**
 * Weight tuning for an approximate multiplier (the idea of ALWANN, Mrazek et al., ICCAD 2019):
 * instead of retraining, each weight byte w of a layer is replaced by the byte w' whose
 * products through the multiplier's table best follow the exact products a * w, over the
 * distribution of the activation bytes a that the weight meets. Bias correction
 * (compensate.ts) then removes the mean of what is left, so the criterion is the variance of
 * the error e(a) = M(a, w') - a * w, not its mean square. A design that loses a share of
 * the product (a gain error) is then run with proportionally larger weights, at no cost: the
 * products still go through the same table, only the stored weight bytes differ.
 */

/** Moments of one activation distribution p over bytes, and of the table's rows under it. */
interface RowMoments {
  /** E[a] and E[a^2]. */
  ea: number;
  ea2: number;
  /** Per weight byte v: E[M(a, v)], E[a * M(a, v)], E[M(a, v)^2]. */
  m1: Float64Array;
  am: Float64Array;
  m2: Float64Array;
}

function rowMoments(table: Uint16Array, p: Float64Array): RowMoments {
  const m1 = new Float64Array(256), am = new Float64Array(256), m2 = new Float64Array(256);
  let ea = 0, ea2 = 0;
  for (let a = 0; a < 256; a++) {
    const pa = p[a];
    if (pa === 0) continue;
    ea += pa * a;
    ea2 += pa * a * a;
    const row = a * 256;
    for (let v = 0; v < 256; v++) {
      const m = table[row + v];
      m1[v] += pa * m;
      am[v] += pa * a * m;
      m2[v] += pa * m * m;
    }
  }
  return { ea, ea2, m1, am, m2 };
}

/**
 * For each weight byte w, the byte w' in [0, 255] that minimises Var_a[M(a, w') - a * w] under
 * p (activation-first table, index a * 256 + w). w itself is kept unless another byte lowers
 * the variance by more than `margin` (relative), so an exact table, or a distribution that
 * carries no information (a single byte), maps every weight to itself. Only bytes `allowed`
 * (the codes of a narrower weight code) are candidates; a constant per byte added to the
 * table (multiplier_table.ts offsets) does not change a variance.
 */
export function tunedWeightMap(
  table: Uint16Array,
  p: Float64Array,
  margin = 1e-9,
  allowed: (byte: number) => boolean = () => true,
): Uint8Array {
  const { ea, ea2, m1, am, m2 } = rowMoments(table, p);
  const map = new Uint8Array(256);
  const variance = (w: number, v: number) => {
    // E[(M - a w)^2] - (E[M - a w])^2, expanded over the moments above.
    const mse = m2[v] - 2 * w * am[v] + w * w * ea2;
    const mean = m1[v] - w * ea;
    return mse - mean * mean;
  };
  for (let w = 0; w < 256; w++) {
    let best = w, bestVar = variance(w, w);
    const limit = bestVar * (1 - margin);
    for (let v = 0; v < 256; v++) {
      if (!allowed(v)) continue;
      const s = variance(w, v);
      if (s < limit && s < bestVar) {
        best = v;
        bestVar = s;
      }
    }
    map[w] = best;
  }
  return map;
}
