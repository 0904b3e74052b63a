/**
 * A conv or dense layer as an 8-bit conv step (src/quant/plan.ts): batch norm folded into its
 * float weights and bias, weights encoded per output channel or per tensor, the bias and every
 * pixel-independent term in accumulator units, the requantisation factors.
 */
import type { Affine } from "./affine.ts";
import { channelsPerOutput, type QConvStep } from "./plan.ts";
import { BYTE_WEIGHTS, codeWeights, sameCode, type WeightCode } from "./weight_code.ts";

export type WeightGranularity = "channel" | "tensor";

/** Taps beyond which an int32 sum of 16-bit products could overflow. */
export const MAX_TAPS = 32768;

/** The step's geometry as the kernel sees it (dense: 1x1 over its flattened input). */
export type ConvGeometry = Pick<
  QConvStep,
  "h" | "w" | "c" | "k" | "kh" | "kw" | "sh" | "sw" | "pad" | "oh" | "ow" | "depthwise"
>;

export interface ConvStepInput {
  node: string;
  dense: boolean;
  fused: string[];
  input: string;
  output: string;
  geometry: ConvGeometry;
  /** Encodings of the input and of the output (float logits: scale 1, zero 0). */
  x: Affine;
  out: Affine;
  floatOutput: boolean;
  /** Float weights in the step's layout, and bias (absent: 0). */
  weights: Float32Array;
  bias?: Float32Array;
  /** A batch norm folded in: per output channel y = mul * x + add. */
  batchnorm?: { mul: number[]; add: number[] };
  relu: boolean;
  granularity: WeightGranularity;
  /** How the weights are coded for the layer's multiplier (default 8-bit unsigned). */
  code?: WeightCode;
}

export function convStep(s: ConvStepInput): QConvStep {
  const geo = s.geometry;
  const { k } = geo;
  const taps = geo.kh * geo.kw * channelsPerOutput(geo);
  if (taps > MAX_TAPS) {
    throw new Error(
      `Quantisation: node '${s.node}' sums ${taps} products per output; at most ${MAX_TAPS} fit int32`,
    );
  }
  // Folded float weights and bias.
  const w = Float64Array.from(s.weights);
  const bias = new Float64Array(k);
  if (s.bias) bias.set(s.bias);
  if (s.batchnorm) {
    const { mul, add } = s.batchnorm;
    for (let i = 0; i < w.length; i++) w[i] *= mul[i % k];
    for (let co = 0; co < k; co++) bias[co] = mul[co] * bias[co] + add[co];
  }
  const code = s.code ?? BYTE_WEIGHTS;
  const coded = codeWeights(w, k, code, s.granularity === "tensor");
  const weights = coded.bytes, weightZero = coded.zero, weightScale = coded.scale;

  const sa = s.x.scale, za = s.x.zero;
  const out = s.out;
  const colSum = new Float64Array(k);
  for (let i = 0; i < weights.length; i++) colSum[i % k] += weights[i];
  const limit = 2 ** 30;
  const biasQ = new Int32Array(k);
  for (let co = 0; co < k; co++) {
    const q = Math.round(bias[co] / (sa * weightScale[co]));
    const folded = Math.min(limit, Math.max(-limit, q)) - za * colSum[co] +
      taps * za * weightZero[co];
    biasQ[co] = Math.min(limit, Math.max(-limit, folded));
  }
  const scale = Float32Array.from(
    weightScale,
    (ws) => s.floatOutput ? sa * ws : (sa * ws) / out.scale,
  );
  return {
    op: "conv",
    node: s.node,
    dense: s.dense,
    fused: s.fused,
    input: s.input,
    output: s.output,
    ...geo,
    weights,
    weightZero,
    weightScale,
    bias: biasQ,
    scale,
    zOut: s.floatOutput ? 0 : out.zero,
    lo: s.relu ? out.zero : 0,
    floatOutput: s.floatOutput,
    ...(sameCode(code, BYTE_WEIGHTS) ? {} : { weightCode: { ...code } }),
  };
}
