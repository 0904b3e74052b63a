/**
 * Plain TypeScript reference of the quantised steps' semantics (src/quant/plan.ts): slow,
 * obvious loops that the wasm kernels must match bit for bit. Every product goes through the
 * step's table; requantisation is `requantize` of affine.ts. Its unit is the plan step, not
 * the graph op: ops lower to these steps (src/ops/<op>/lower.ts).
 */
import { requantize } from "./affine.ts";
import {
  channelsPerOutput,
  type QAddStep,
  type QConcatStep,
  type QConvStep,
  type QGapStep,
  type QLutStep,
  type QPlan,
  type QPoolStep,
  type QStep,
} from "./plan.ts";

/**
 * Calls f(ci, wAt) for each input channel that output channel co sums at tap (ky, kx), with the
 * index of its weight: every channel for a full convolution, co alone for a depthwise one.
 */
function forTapChannels(
  step: QConvStep,
  ky: number,
  kx: number,
  co: number,
  f: (ci: number, wAt: number) => void,
): void {
  const { c, k, kw } = step;
  if (step.depthwise) f(co, (ky * kw + kx) * c + co);
  else for (let ci = 0; ci < c; ci++) f(ci, ((ky * kw + kx) * c + ci) * k + co);
}

/** One conv/dense step over n samples; x holds n inputs (NHWC bytes, zIn = input zero). */
export function referenceConv(
  step: QConvStep,
  x: Uint8Array,
  n: number,
  zIn: number,
  table: Uint16Array,
): Uint8Array | Float32Array {
  const { h, w, c, k, kh, kw, sh, sw, oh, ow } = step;
  const [pt, pl] = step.pad;
  const out = step.floatOutput
    ? new Float32Array(n * oh * ow * k)
    : new Uint8Array(n * oh * ow * k);
  const inSize = h * w * c;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const base = ((b * oh + oy) * ow + ox) * k;
        for (let co = 0; co < k; co++) {
          let sum = 0, asum = 0;
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
              const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
              forTapChannels(step, ky, kx, co, (ci, wAt) => {
                const a = inside ? x[b * inSize + (iy * w + ix) * c + ci] : zIn;
                sum += table[a * 256 + step.weights[wAt]];
                asum += a;
              });
            }
          }
          const acc = sum - step.weightZero[co] * asum + step.bias[co];
          out[base + co] = step.floatOutput
            ? Math.fround(Math.fround(acc) * step.scale[co])
            : requantize(acc, step.scale[co], step.zOut, step.lo, 255);
        }
      }
    }
  }
  return out;
}

/**
 * The same layer in plain integer arithmetic, no table: acc = sum (a - za)(w - zw) + b_q with
 * b_q the quantised float bias. With the exact table, referenceConv must equal this.
 */
export function integerConv(step: QConvStep, x: Uint8Array, n: number, zIn: number) {
  const { h, w, c, k, kh, kw, sh, sw, oh, ow } = step;
  const [pt, pl] = step.pad;
  const taps = kh * kw * channelsPerOutput(step);
  const colSum = new Array<number>(k).fill(0);
  for (let i = 0; i < step.weights.length; i++) colSum[i % k] += step.weights[i];
  // Undo the folding of pixel-independent terms into bias: b_q = bias + za*colSum - N*za*zw.
  const bq = Array.from(
    step.bias,
    (v, co) => v + zIn * colSum[co] - taps * zIn * step.weightZero[co],
  );
  const out = step.floatOutput
    ? new Float32Array(n * oh * ow * k)
    : new Uint8Array(n * oh * ow * k);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let co = 0; co < k; co++) {
          let acc = bq[co];
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue; // (za - za) * ... = 0
              forTapChannels(step, ky, kx, co, (ci, wAt) => {
                const a = x[((b * h + iy) * w + ix) * c + ci];
                acc += (a - zIn) * (step.weights[wAt] - step.weightZero[co]);
              });
            }
          }
          const at = ((b * oh + oy) * ow + ox) * k + co;
          out[at] = step.floatOutput
            ? Math.fround(Math.fround(acc) * step.scale[co])
            : requantize(acc, step.scale[co], step.zOut, step.lo, 255);
        }
      }
    }
  }
  return out;
}

export function referenceAdd(step: QAddStep, a: Uint8Array, b: Uint8Array, za: number, zb: number) {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const va = Math.fround(Math.fround(a[i] - za) * step.ka);
    const vb = Math.fround(Math.fround(b[i] - zb) * step.kb);
    const v = Math.fround(Math.fround(va + vb) + step.zOut);
    out[i] = requantize(v, 1, 0, step.lo, 255);
  }
  return out;
}

export function referencePool(
  step: QPoolStep,
  x: Uint8Array,
  n: number,
  shape: { h: number; w: number; c: number },
  out: { h: number; w: number },
  fill: number,
): Uint8Array {
  const { h, w, c } = shape;
  const y = new Uint8Array(n * out.h * out.w * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < out.h; oy++) {
      for (let ox = 0; ox < out.w; ox++) {
        for (let ch = 0; ch < c; ch++) {
          const taps: number[] = [];
          for (let ky = 0; ky < step.kh; ky++) {
            for (let kx = 0; kx < step.kw; kx++) {
              const iy = oy * step.sh - step.pad[0] + ky, ix = ox * step.sw - step.pad[1] + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                taps.push(x[((b * h + iy) * w + ix) * c + ch]);
              }
            }
          }
          const sum = taps.reduce((s, v) => s + v, 0);
          y[((b * out.h + oy) * out.w + ox) * c + ch] = taps.length === 0
            ? fill
            : step.op === "maxpool"
            ? Math.max(...taps)
            : Math.floor((2 * sum + taps.length) / (2 * taps.length));
        }
      }
    }
  }
  return y;
}

export function referenceGap(
  step: QGapStep,
  x: Uint8Array,
  n: number,
  hw: number,
  c: number,
  zIn: number,
) {
  const y = new Uint8Array(n * c);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let sum = -hw * zIn;
      for (let p = 0; p < hw; p++) sum += x[(b * hw + p) * c + ch];
      y[b * c + ch] = requantize(sum, step.k, step.zOut, 0, 255);
    }
  }
  return y;
}

export function referenceLut(step: QLutStep, x: Uint8Array, c: number): Uint8Array {
  return Uint8Array.from(x, (v, i) => step.lut[(i % c) * 256 + v]);
}

export function referenceConcat(
  step: QConcatStep,
  a: Uint8Array,
  b: Uint8Array,
  ca: number,
  cb: number,
) {
  const rows = a.length / ca;
  const y = new Uint8Array(rows * (ca + cb));
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < ca; i++) y[r * (ca + cb) + i] = step.lutA[a[r * ca + i]];
    for (let i = 0; i < cb; i++) y[r * (ca + cb) + ca + i] = step.lutB[b[r * cb + i]];
  }
  return y;
}

/** What a step reads: the values computed so far and the plan's tensors. */
interface StepInputs {
  bytes(id: string): Uint8Array;
  tensors: QPlan["tensors"];
  n: number;
  tableOf: (node: string) => Uint16Array;
}

type StepOf<K extends QStep["op"]> = QStep extends infer S
  ? S extends { op: infer O } ? K extends O ? S : never : never
  : never;

/** Each step kind's reference, by kind (the compiler checks every kind has one). */
const STEP_REFERENCES: {
  [K in QStep["op"]]: (s: StepOf<K>, v: StepInputs) => Uint8Array | Float32Array;
} = {
  conv: (s, { bytes, tensors: t, n, tableOf }) =>
    referenceConv(s, bytes(s.input), n, t[s.input].q.zero, tableOf(s.node)),
  add: (s, { bytes, tensors: t }) =>
    referenceAdd(s, bytes(s.a), bytes(s.b), t[s.a].q.zero, t[s.b].q.zero),
  maxpool: (s, v) => poolStep(s, v),
  avgpool: (s, v) => poolStep(s, v),
  gap: (s, { bytes, tensors: t, n }) => {
    const sh = t[s.input].shape;
    return referenceGap(s, bytes(s.input), n, sh.h * sh.w, sh.c, t[s.input].q.zero);
  },
  lut: (s, { bytes, tensors: t }) => referenceLut(s, bytes(s.input), t[s.input].shape.c),
  concat: (s, { bytes, tensors: t }) =>
    referenceConcat(s, bytes(s.a), bytes(s.b), t[s.a].shape.c, t[s.b].shape.c),
};

function poolStep(s: QPoolStep, { bytes, tensors: t, n }: StepInputs): Uint8Array {
  const x = t[s.input];
  return referencePool(s, bytes(s.input), n, x.shape, t[s.output].shape, x.q.zero);
}

/**
 * Runs a whole plan on n encoded inputs (NHWC bytes of the input tensor); tableOf gives the
 * product table of each conv/dense node. Returns every tensor computed (float logits under
 * the output id when the plan ends in float).
 */
export function runReference(
  plan: QPlan,
  input: Uint8Array,
  n: number,
  tableOf: (node: string) => Uint16Array,
): Map<string, Uint8Array | Float32Array> {
  const values = new Map<string, Uint8Array | Float32Array>();
  values.set(plan.graph.nodes[0].id, input);
  const inputs: StepInputs = {
    bytes: (id) => values.get(id) as Uint8Array,
    tensors: plan.tensors,
    n,
    tableOf,
  };
  for (const s of plan.steps) {
    const run = STEP_REFERENCES[s.op] as (s: QStep, v: StepInputs) => Uint8Array | Float32Array;
    values.set(s.output, run(s, inputs));
  }
  return values;
}

/** Float logits [n][classes] of a plan's output values (dequantised when they are bytes). */
export function logitsOf(
  plan: QPlan,
  values: Map<string, Uint8Array | Float32Array>,
): Float32Array {
  const out = values.get(plan.output)!;
  if (plan.floatOutput) return out as Float32Array;
  const q = plan.tensors[plan.output].q;
  return Float32Array.from(out, (v) => q.scale * (v - q.zero));
}
