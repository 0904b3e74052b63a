/**
 * Optional bias compensation of an approximate multiplier's mean error. A layer sums, per
 * output channel, M(a, w) over its taps; an approximate M errs by e(a, w) = M(a, w) - a * w,
 * and many designs err one way (truncation and logarithmic designs underestimate). The
 * expected error of channel co over the activation distribution,
 *
 *   corr[co] = sum_taps sum_a p_tap(a) * e(a, w[tap, co]),
 *
 * is subtracted from the channel's int32 bias (rounded), which an accelerator adds anyway: the
 * products still go through the table, only the constant changes. p_tap is the distribution of
 * the tap's input channel, measured on calibration images with the exact multiplier, mixed
 * with the zero-point byte for the fraction of output pixels where the tap falls in the padding.
 */
import type { Engine } from "../engine/wasm.ts";
import { loadEngine } from "../engine/wasm.ts";
import { layerMultiplier, type MultiplierAssignment } from "./assignment.ts";
import { type QConvStep, type QPlan, weightChannel } from "./plan.ts";
import { QuantizedNetwork } from "./qnetwork.ts";
import { tunedWeightMap } from "./weight_tuning.ts";
import { codeOf, exactAssignment } from "./bound_plan.ts";
import { isCodeByte } from "./weight_code.ts";
import { exactTable, isExactTable } from "../model/product_table.ts";

/** Per conv/dense step (by node): the byte distribution of each input channel, [c][256]. */
export type ActivationStats = Map<string, Float64Array[]>;

/** Byte histograms of every conv/dense input over `count` images, exact multiplier. */
export function activationStats(
  plan: QPlan,
  images: Uint8Array,
  count: number,
  engine?: Engine,
  batch = 100,
): Promise<ActivationStats> {
  return (async () => {
    const net = new QuantizedNetwork(
      engine ?? await loadEngine(),
      plan,
      exactAssignment(plan, exactTable()),
      { batch },
    );
    const stats: ActivationStats = new Map();
    const steps = plan.steps.filter((s): s is QConvStep => s.op === "conv");
    for (const s of steps) {
      stats.set(s.node, Array.from({ length: s.c }, () => new Float64Array(256)));
    }
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      net.loadImages(images, start, n);
      net.forward(n);
      for (const s of steps) {
        const x = net.tensor(s.input, n), h = stats.get(s.node)!;
        for (let i = 0; i < x.length; i++) h[i % s.c][x[i]]++;
      }
    }
    for (const hs of stats.values()) {
      for (const h of hs) {
        const total = h.reduce((a, b) => a + b, 0) || 1;
        for (let v = 0; v < 256; v++) h[v] /= total;
      }
    }
    return stats;
  })();
}

/** Fraction of output pixels for which tap row/column `k` of a window falls in the padding. */
function paddedFraction(size: number, out: number, stride: number, before: number, k: number) {
  let padded = 0;
  for (let o = 0; o < out; o++) {
    const i = o * stride - before + k;
    if (i < 0 || i >= size) padded++;
  }
  return padded / out;
}

/**
 * A copy of `plan` whose conv/dense biases cancel the mean error of the multipliers of
 * `assignment` (see above). Layers with an exact table are unchanged.
 */
export function compensatePlan(
  plan: QPlan,
  assignment: MultiplierAssignment,
  stats: ActivationStats,
  options: { tuneWeights?: boolean } = {},
): QPlan {
  return compensateWithMaps(plan, assignment, stats, options).plan;
}

/**
 * compensatePlan, and the weight-byte maps it stored each conv/dense layer's weights through
 * (by node; identity maps where nothing was tuned), for callers that keep them (a model file).
 */
export function compensateWithMaps(
  plan: QPlan,
  assignment: MultiplierAssignment,
  stats: ActivationStats,
  options: { tuneWeights?: boolean } = {},
): { plan: QPlan; weightMaps: Map<string, Uint8Array[]> } {
  const weightMaps = new Map<string, Uint8Array[]>();
  const steps = plan.steps.map((s) => {
    if (s.op !== "conv") return s;
    const multiplier = layerMultiplier(assignment, s.node);
    const table = multiplier.table;
    // The product itself: the table less its column's offset (multiplier_table.ts).
    const offset = (w: number) => multiplier.offsets?.[w] ?? 0;
    const hist = stats.get(s.node);
    if (!hist) throw new Error(`compensatePlan: no activation statistics for '${s.node}'`);
    const zIn = plan.tensors[s.input].q.zero;
    const code = codeOf(multiplier);
    const stored = storedWeightMaps(
      table,
      hist,
      options.tuneWeights === true,
      (v) => isCodeByte(code, v),
    );
    weightMaps.set(s.node, stored);
    // Mean error against the exact product a * w, per (input channel, weight byte), then per tap.
    const meanErr = hist.map((p, ci) => {
      const m = new Float64Array(256), t = stored[ci];
      for (let w = 0; w < 256; w++) {
        let e = 0;
        for (let a = 0; a < 256; a++) {
          if (p[a] > 0) e += p[a] * (table[a * 256 + t[w]] - offset(t[w]) - a * w);
        }
        m[w] = e;
      }
      return m;
    });
    const padErr = hist.map((_, ci) =>
      Float64Array.from(
        { length: 256 },
        (_, w) => table[zIn * 256 + stored[ci][w]] - offset(stored[ci][w]) - zIn * w,
      )
    );
    const weights = remapWeights(s, stored);
    const corr = new Float64Array(s.k);
    // Weights in layout order, tap by tap: HWIO, or [kh][kw][c] when depthwise.
    const perTap = s.weights.length / (s.kh * s.kw);
    for (let ky = 0; ky < s.kh; ky++) {
      for (let kx = 0; kx < s.kw; kx++) {
        const fy = paddedFraction(s.h, s.oh, s.sh, s.pad[0], ky);
        const fx = paddedFraction(s.w, s.ow, s.sw, s.pad[1], kx);
        const inside = (1 - fy) * (1 - fx);
        const tap = (ky * s.kw + kx) * perTap;
        for (let i = tap; i < tap + perTap; i++) {
          const ci = weightChannel(s, i), w = s.weights[i];
          corr[i % s.k] += inside * meanErr[ci][w] + (1 - inside) * padErr[ci][w];
        }
      }
    }
    const bias = Int32Array.from(s.bias, (b, co) => b - Math.round(corr[co]));
    return { ...s, weights, bias };
  });
  return {
    plan: {
      ...plan,
      steps,
      notes: {
        ...plan.notes,
        compensated: true,
        ...(options.tuneWeights ? { tunedWeights: true } : {}),
      },
    },
    weightMaps,
  };
}

/**
 * The byte each weight byte of a layer is stored as, per input channel: itself, or with
 * `tune` and an approximate table, the byte tuned to the channel's activation distribution.
 */
export function storedWeightMaps(
  table: Uint16Array,
  hist: Float64Array[],
  tune: boolean,
  allowed?: (byte: number) => boolean,
): Uint8Array[] {
  return hist.map((p) =>
    tune && !isExactTable(table)
      ? tunedWeightMap(table, p, undefined, allowed)
      : Uint8Array.from(IDENTITY)
  );
}

const IDENTITY = Uint8Array.from({ length: 256 }, (_, w) => w);

/** The weights of a conv/dense step (HWIO) with each byte mapped by its input channel's map. */
export function remapWeights(step: QConvStep, maps: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(step.weights.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = maps[weightChannel(step, i)][step.weights[i]];
  }
  return out;
}
