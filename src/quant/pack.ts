/**
 * What the wasm kernels of one conv/dense step need, for each path (src/quant/qkernels.ts).
 *
 * Table and rows paths: the weight bytes with rows padded to a multiple of 8 channels, and the
 * step's per-channel constants. Taps whose byte is 0 can be skipped when table row 0 is zero.
 * When it is not but M(a, w) >= M(0, w) everywhere (constant-compensated designs), the
 * shifted table M'(a, w) = M(a, w) - M(0, w) (still uint16) has a zero row 0, and
 * sum_taps M(0, w) moves into the bias: sum_taps M(a, w) = sum_{a != 0} M'(a, w) + sum_taps M(0, w).
 *
 * Dot path, from a decomposition M(a, b) = u(a) + v(b) + sum_j f_j(a) g_j(b): the step sums,
 * per tap, M(a, w) - zw[co] * a, so
 *
 *   acc = sum_j sum_taps f_j(a) g_j(w)  +  sum_taps (u(a) - zw[co] a)  +  bias[co] + sum_taps v(w).
 *
 * Each term j is a stream (F = f_j of the input, G = g_j of the weights). When a is an integer
 * combination sum_j mu_j f_j(a) of the streams' f, the part linear in a folds into them
 * (G_j gets -zw[co] * mu_j added); else the kernel subtracts zw[co] * (window sum of a), one
 * extra dot product per pixel shared by all channels. u folds into the streams likewise or
 * gets a stream of its own (G = 1). sum_taps v(w) is a per-channel constant. Padding lanes carry
 * G = 0. Streams with equal f share one F tensor.
 */
import type { TableDecomposition } from "./decompose.ts";
import type { QConvStep } from "./plan.ts";

export interface TableLayerData {
  kind: "table";
  /** Bytes [taps][kp], kp = k rounded up to 8. */
  weights: Uint8Array;
  skipZero: boolean;
  /** The step's bias plus sum_taps M(0, w) when the table is shifted. */
  bias: Int32Array;
}

/** A table as the table and rows kernels use it: shifted (see above) when that allows
 * skipping zero bytes. */
export interface KernelTable {
  table: Uint16Array;
  /** M(0, w), subtracted from every row; null when not shifted. */
  shift: Uint16Array | null;
  skipZero: boolean;
}

export function kernelTable(table: Uint16Array): KernelTable {
  const row0 = table.subarray(0, 256);
  if (row0.every((x) => x === 0)) return { table, shift: null, skipZero: true };
  for (let a = 1; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      if (table[a * 256 + b] < row0[b]) return { table, shift: null, skipZero: false };
    }
  }
  const shifted = Uint16Array.from(table, (v, i) => v - row0[i & 255]);
  return { table: shifted, shift: row0.slice(), skipZero: true };
}

export interface DotStream {
  /** f as a 256-entry table, or null for the identity f(a) = a. */
  lut: Int16Array | null;
  /** Packed int16 [ceil(k/4)][kh][ceil(kw*c/8)][4][8]. */
  weights: Int16Array;
}

export interface DotLayerData {
  kind: "dot";
  streams: DotStream[];
  /** Per channel, padded to a multiple of 4. */
  bias: Int32Array;
  scale: Float32Array;
  /** Subtract zw[co] * window sum of the input bytes (see above). */
  asum: boolean;
  zw: Int32Array;
  /** int16 [kh][ceil(kw*c/8)][8]: 1 on lanes below kw*c. */
  ones: Int16Array;
}

export const round8 = (x: number) => Math.ceil(x / 8) * 8;

export function packTableLayer(step: QConvStep, kt: KernelTable): TableLayerData {
  const { k } = step;
  const kp = round8(k);
  const taps = step.weights.length / k;
  const weights = new Uint8Array(taps * kp);
  for (let t = 0; t < taps; t++) {
    weights.set(step.weights.subarray(t * k, (t + 1) * k), t * kp);
  }
  const bias = step.bias.slice();
  if (kt.shift) {
    for (let i = 0; i < step.weights.length; i++) bias[i % k] += kt.shift[step.weights[i]];
  }
  return { kind: "table", weights, skipZero: kt.skipZero, bias };
}

/** The dot-path data of a step, or null when it needs more than maxStreams streams or a
 * value leaves int16. */
export function packDotLayer(
  step: QConvStep,
  dec: TableDecomposition,
  maxStreams = 8,
): DotLayerData | null {
  const { k, kh, kw, c } = step;
  const taps = kh * kw * c;
  type Stream = { f: Int16Array | null; g: (w: number, co: number) => number; extra: Int32Array };
  const streams: Stream[] = dec.terms.map((t) => ({
    f: t.f,
    g: (w: number) => t.g[w],
    extra: new Int32Array(k),
  }));
  const identity = Int16Array.from({ length: 256 }, (_, a) => a);
  const u = Int16Array.from(dec.u);
  if (dec.u.some((x, a) => x !== u[a])) return null; // u outside int16
  // Adds coeff(co) * target(a) per tap: through the G of streams whose f combine into target
  // with integer factors, else as a stream of its own.
  const fold = (target: Int16Array, coeff: (co: number) => number) => {
    if (target.every((x) => x === 0)) return;
    const mu = integerCombination(streams.map((s) => s.f ?? identity), target);
    if (mu) {
      streams.forEach((s, j) => {
        if (mu[j] !== 0) { for (let co = 0; co < k; co++) s.extra[co] += mu[j] * coeff(co); }
      });
      return;
    }
    if (target === identity) {
      asum = true;
      return;
    }
    const extra = new Int32Array(k);
    for (let co = 0; co < k; co++) extra[co] = coeff(co);
    streams.push({ f: target, g: () => 0, extra });
  };
  let asum = false;
  fold(identity, (co) => -step.weightZero[co]);
  fold(u, () => 1);
  if (streams.length > maxStreams) return null;

  const chunks = Math.ceil((kw * c) / 8);
  const kb = Math.ceil(k / 4);
  const out: DotStream[] = [];
  for (const s of streams) {
    const packed = new Int16Array(kb * kh * chunks * 32);
    for (let co = 0; co < k; co++) {
      const cb = co >> 2, lane4 = co & 3;
      for (let ky = 0; ky < kh; ky++) {
        for (let j = 0; j < kw * c; j++) {
          const wq = step.weights[(ky * kw * c + j) * k + co];
          const value = s.g(wq, co) + s.extra[co];
          if (value < -32768 || value > 32767) return null;
          packed[(((cb * kh + ky) * chunks + (j >> 3)) * 4 + lane4) * 8 + (j & 7)] = value;
        }
      }
    }
    out.push({ lut: s.f === identity || isIdentity(s.f) ? null : s.f, weights: packed });
  }
  const bias = new Int32Array(kb * 4), scale = new Float32Array(kb * 4);
  for (let co = 0; co < k; co++) {
    let vs = 0;
    for (let t = 0; t < taps; t++) vs += dec.v[step.weights[t * k + co]];
    bias[co] = (step.bias[co] + vs) | 0; // wrapping, as the kernel's int32 sum
    scale[co] = step.scale[co];
  }
  const zw = new Int32Array(kb * 4);
  zw.set(step.weightZero);
  const ones = new Int16Array(kh * chunks * 8);
  for (let ky = 0; ky < kh; ky++) ones.fill(1, ky * chunks * 8, ky * chunks * 8 + kw * c);
  return { kind: "dot", streams: out, bias, scale, asum, zw, ones };
}

/**
 * Integers mu with target(a) = sum_j mu_j * fs[j](a) for every a, or null. Solved on a set of
 * independent rows (float64 elimination, rounded), then checked on all 256 values.
 */
export function integerCombination(fs: Int16Array[], target: Int16Array): number[] | null {
  const r = fs.length;
  if (r === 0) return null;
  // Greedy rows a whose vectors (f_0(a), ..., f_{r-1}(a)) are independent (Gram-Schmidt).
  const rows: number[] = [], basis: number[][] = [];
  for (let a = 0; a < 256 && rows.length < r; a++) {
    let v = fs.map((f) => f[a]);
    for (const b of basis) {
      const d = v.reduce((s, x, i) => s + x * b[i], 0);
      v = v.map((x, i) => x - d * b[i]);
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-6 * Math.max(1, Math.hypot(...fs.map((f) => f[a])))) {
      basis.push(v.map((x) => x / norm));
      rows.push(a);
    }
  }
  // Least squares on the chosen rows (exact when they are r independent rows).
  const m = rows.map((a) => fs.map((f) => f[a]));
  const rhs = rows.map((a) => target[a]);
  const mu = solveLeastSquares(m, rhs, r);
  if (!mu) return null;
  const rounded = mu.map((x) => Math.round(x));
  for (let a = 0; a < 256; a++) {
    let s = 0;
    for (let j = 0; j < r; j++) s += rounded[j] * fs[j][a];
    if (s !== target[a]) return null;
  }
  return rounded;
}

/** Solves (M^T M) x = M^T rhs by Gaussian elimination; null when singular. */
function solveLeastSquares(m: number[][], rhs: number[], r: number): number[] | null {
  const a = Array.from(
    { length: r },
    (_, i) =>
      Array.from(
        { length: r + 1 },
        (_, j) =>
          j < r
            ? m.reduce((s, row) => s + row[i] * row[j], 0)
            : m.reduce((s, row, q) => s + row[i] * rhs[q], 0),
      ),
  );
  for (let k = 0; k < r; k++) {
    let best = k;
    for (let i = k + 1; i < r; i++) if (Math.abs(a[i][k]) > Math.abs(a[best][k])) best = i;
    if (Math.abs(a[best][k]) < 1e-9) return null;
    [a[k], a[best]] = [a[best], a[k]];
    for (let i = 0; i < r; i++) {
      if (i === k) continue;
      const l = a[i][k] / a[k][k];
      for (let j = k; j <= r; j++) a[i][j] -= l * a[k][j];
    }
  }
  return a.map((row, i) => row[r] / row[i]);
}

function isIdentity(f: Int16Array | null): boolean {
  return f !== null && f.every((x, a) => x === a);
}
